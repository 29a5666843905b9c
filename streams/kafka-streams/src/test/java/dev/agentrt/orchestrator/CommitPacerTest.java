package dev.agentrt.orchestrator;

import static dev.agentrt.orchestrator.CommitPacer.ASK_NOW;
import static dev.agentrt.orchestrator.CommitPacer.NOTHING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CommitPacerTest {

    private static final long MS = 1_000_000L;
    private final Object taskA = new Object();
    private final Object taskB = new Object();
    private final CommitPacer pacer = new CommitPacer(Duration.ofMillis(5));

    @Test
    void theFirstAwaitedOutputIsCommittedAtOnce() {
        assertThat(pacer.onAwaitedOutput(100 * MS, taskA)).isEqualTo(ASK_NOW);
    }

    @Test
    void outputBeforeTheAskedCommitIsObservedNeedsNoSecondAsk() {
        pacer.onAwaitedOutput(100 * MS, taskA);
        assertThat(pacer.onAwaitedOutput(100 * MS, taskB)).isEqualTo(NOTHING);
    }

    @Test
    void aLoneConversationNeverWaitsForTheGap() {
        long t = 100 * MS;
        for (int i = 0; i < 5; i++) {
            assertThat(pacer.onAwaitedOutput(t, taskA)).isEqualTo(ASK_NOW);
            assertThat(pacer.onCommitObserved(t + 3 * MS, taskA)).isEqualTo(NOTHING);
            t += 4 * MS; // the next result comes back 1 ms after the commit ended, inside the 5 ms gap
        }
    }

    @Test
    void afterACommitOfSeveralOutputsTheNextWaitsForTheGapCountedFromTheCommitsEnd() {
        assertThat(pacer.onAwaitedOutput(100 * MS, taskA)).isEqualTo(ASK_NOW);
        assertThat(pacer.onAwaitedOutput(100 * MS, taskA)).as("asked already").isEqualTo(NOTHING);
        // The second may have been emitted after the commit: it gets an ask at the gap's end (104 + 5).
        assertThat(pacer.onCommitObserved(104 * MS, taskA)).isEqualTo(5 * MS);
        assertThat(pacer.onAwaitedOutput(106 * MS, taskB)).as("already deferred").isEqualTo(NOTHING);
        assertThat(pacer.onDeferredDue(109 * MS, taskB)).as("not B's deferral").isEqualTo(NOTHING);
        assertThat(pacer.onDeferredDue(109 * MS, taskA)).isEqualTo(ASK_NOW);
        // That commit carried two (the carried-over one and B's): the next output waits for 112 + 5.
        assertThat(pacer.onCommitObserved(112 * MS, taskA)).isEqualTo(NOTHING);
        assertThat(pacer.onAwaitedOutput(114 * MS, taskB)).isEqualTo(3 * MS);
    }

    @Test
    void onceTheLoadIsGoneAQuietCommitMakesTheNextAskImmediateAgain() {
        pacer.onAwaitedOutput(100 * MS, taskA);
        pacer.onAwaitedOutput(100 * MS, taskA);
        pacer.onCommitObserved(104 * MS, taskA);
        assertThat(pacer.onDeferredDue(109 * MS, taskA)).isEqualTo(ASK_NOW);
        pacer.onCommitObserved(112 * MS, taskA); // carried one output
        assertThat(pacer.onAwaitedOutput(113 * MS, taskA)).isEqualTo(ASK_NOW);
    }

    @Test
    void underSteadyLoadCommitsAreOneGapPlusTheCommitApart() {
        long t = 0;
        int asks = 0;
        long deferral = NOTHING;
        // Output every 0.5 ms for 100 ms; a commit takes 4 ms and is observed then.
        long commitEndsAt = -1;
        for (long now = 0; now < 100 * MS; now += MS / 2) {
            if (commitEndsAt >= 0 && now >= commitEndsAt) {
                deferral = pacer.onCommitObserved(now, taskA);
                commitEndsAt = -1;
                if (deferral > 0) t = now + deferral;
            }
            if (deferral > 0 && now >= t) {
                assertThat(pacer.onDeferredDue(now, taskA)).isEqualTo(ASK_NOW);
                deferral = NOTHING;
                asks++;
                commitEndsAt = now + 4 * MS;
            }
            long d = pacer.onAwaitedOutput(now, taskA);
            if (d == ASK_NOW) {
                asks++;
                commitEndsAt = now + 4 * MS;
            } else if (d > 0) {
                deferral = d;
                t = now + d;
            }
        }
        assertThat(asks).as("one commit per 9 ms, not one per output").isBetween(10, 12);
    }

    @Test
    void aClosedTaskDoesNotLeaveThePacerWaitingForItsPunctuation() {
        pacer.onAwaitedOutput(100 * MS, taskA);
        pacer.forget(taskB);
        assertThat(pacer.onAwaitedOutput(120 * MS, taskB)).as("A still owns the ask").isEqualTo(NOTHING);
        pacer.forget(taskA);
        assertThat(pacer.onAwaitedOutput(121 * MS, taskB)).isEqualTo(ASK_NOW);
    }

    @Test
    void aZeroGapAsksAfterEveryObservedCommit() {
        var eager = new CommitPacer(Duration.ZERO);
        assertThat(eager.onAwaitedOutput(0, taskA)).isEqualTo(ASK_NOW);
        eager.onAwaitedOutput(MS, taskA);
        assertThat(eager.onCommitObserved(2 * MS, taskA)).isEqualTo(ASK_NOW);
    }

    @Test
    void aNegativeGapIsRefused() {
        assertThatThrownBy(() -> new CommitPacer(Duration.ofMillis(-1))).hasMessageContaining(">= 0");
    }
}
