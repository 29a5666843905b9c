package dev.agentrt.cli.client;

import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.TranscriptEvent;
import java.io.PrintWriter;

/** Renders transcript events and responses for a person reading a terminal. */
public final class ConversationPrinter {

    private final PrintWriter out;

    public ConversationPrinter(PrintWriter out) {
        this.out = out;
    }

    public static String text(HarmonyMessage m) {
        var sb = new StringBuilder();
        for (Object c : m.getContent()) {
            if (c instanceof TextContent t) sb.append(t.getText());
        }
        return sb.toString();
    }

    /** One line header per message: who, which channel, to whom; then the text. */
    public void message(TranscriptEvent e) {
        HarmonyMessage m = e.getMessage();
        String who = m.getAuthor().getRole().name().toLowerCase();
        if (m.getAuthor().getName() != null) who += " " + m.getAuthor().getName();
        var header = new StringBuilder("[turn ").append(e.getTurn()).append("] ").append(who);
        if (m.getChannel() != null) header.append(" (").append(m.getChannel()).append(")");
        if (m.getRecipient() != null && !m.getRecipient().equals("assistant")) header.append(" → ").append(m.getRecipient());
        out.println(header);
        out.println("  " + text(m).replace("\n", "\n  "));
        out.flush();
    }

    public void response(ConversationResponse r) {
        out.println();
        if (r.getStatus() == ConversationStatus.COMPLETED && r.getFinalMessage() != null) {
            out.println("final answer: " + text(r.getFinalMessage()));
        } else {
            out.println("ended: " + r.getStatus() + (r.getError() == null ? "" : " — " + r.getError()));
        }
        var u = r.getUsage();
        out.printf("turns %d, tokens: prompt %d (cached %d), completion %d%n", r.getTurns(), u.getPromptTokens(),
            u.getCachedPromptTokens(), u.getCompletionTokens());
        out.flush();
    }
}
