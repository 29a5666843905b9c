package dev.agentrt.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputTextTest {

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        byte[] bytes = {'a', (byte) 0xed, (byte) 0xb3, (byte) 0xa6, 'b', (byte) 0xff};
        // Java replaces a whole malformed sequence (here an encoded surrogate) with one U+FFFD.
        assertThat(OutputText.decode(bytes)).isEqualTo("a\uFFFDb\uFFFD");
    }

    @Test
    void shortTextIsUntouched() {
        assertThat(OutputText.forModel("hello", 1024, false)).isEqualTo(new OutputText.View("hello", false));
    }

    @Test
    void longTextKeepsHeadAndTailWithinTheByteBudgetWithoutSplittingCharacters() {
        String text = "é".repeat(5000) + "END";
        OutputText.View view = OutputText.forModel(text, 1024, false);
        assertThat(view.truncated()).isTrue();
        assertThat(view.text().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
        assertThat(view.text()).startsWith("éé").endsWith("éEND").contains("bytes truncated ...]")
                .doesNotContain("\uFFFD");
    }

    @Test
    void supplementaryCharactersAreNotCutInHalf() {
        String text = "😀".repeat(2000);
        OutputText.View view = OutputText.forModel(text, 1024, false);
        String withoutMarker = view.text().replaceAll("\\n\\[.*\\]\\n", "");
        assertThat(withoutMarker.codePoints().allMatch(cp -> cp == 0x1F600)).isTrue();
    }

    @Test
    void cutAtTheCapIsMarkedEvenWhenShort() {
        OutputText.View view = OutputText.forModel("abc", 1024, true);
        assertThat(view.truncated()).isTrue();
        assertThat(view.text()).startsWith("abc").contains("output limit");
    }

    @Test
    void boundedOutputKeepsExactlyTheCap() {
        BoundedOutput out = new BoundedOutput(10);
        assertThat(out.append("12345".getBytes(), 0, 5)).isTrue();
        assertThat(out.append("67890".getBytes(), 0, 5)).isTrue();
        assertThat(out.append("x".getBytes(), 0, 1)).isFalse();
        assertThat(out.overflowed()).isTrue();
        assertThat(new String(out.bytes())).isEqualTo("1234567890");
    }
}
