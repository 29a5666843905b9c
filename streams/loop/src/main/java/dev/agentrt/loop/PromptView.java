package dev.agentrt.loop;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages a model sees: the conversation with chain of thought dropped by openai-harmony's
 * {@code auto_drop_analysis} rule (harmony-format.md §4.2): when the last assistant message is on
 * {@code final}, analysis messages before the first {@code final} message are left out. Applying it twice
 * gives the same list, so a worker that renders with auto-drop on changes nothing further.
 */
public final class PromptView {

    private PromptView() {}

    public static List<LoopMessage> of(List<LoopMessage> messages) {
        int lastAssistant = -1;
        int firstFinal = -1;
        for (int i = 0; i < messages.size(); i++) {
            LoopMessage m = messages.get(i);
            if (m.role() == Role.ASSISTANT) lastAssistant = i;
            if (firstFinal < 0 && m.isFinal()) firstFinal = i;
        }
        boolean drop = lastAssistant >= 0 && messages.get(lastAssistant).isFinal() && firstFinal >= 0;
        if (!drop) return List.copyOf(messages);
        var kept = new ArrayList<LoopMessage>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            LoopMessage m = messages.get(i);
            if (i < firstFinal && LoopMessage.ANALYSIS.equals(m.channel())) continue;
            kept.add(m);
        }
        return List.copyOf(kept);
    }
}
