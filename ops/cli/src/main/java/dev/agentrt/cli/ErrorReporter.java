package dev.agentrt.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception escaping a command into one readable line on stderr and exit code 1,
 * instead of a stack trace. {@code AGENTRT_DEBUG=1} prints the stack trace as well.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        var err = cmd.getErr();
        err.println("agentrt " + cmd.getCommandName() + ": " + describe(ex));
        if ("1".equals(System.getenv("AGENTRT_DEBUG"))) {
            ex.printStackTrace(err);
        } else {
            err.println("(set AGENTRT_DEBUG=1 for the stack trace)");
        }
        err.flush();
        return cmd.getExitCodeExceptionMapper() != null
            ? cmd.getExitCodeExceptionMapper().getExitCode(ex)
            : 1;
    }

    static String describe(Throwable ex) {
        var sb = new StringBuilder();
        Throwable t = ex;
        String previous = null;
        while (t != null) {
            String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (!msg.equals(previous)) {
                if (!sb.isEmpty()) sb.append(": ");
                sb.append(msg);
            }
            previous = msg;
            t = t.getCause() == t ? null : t.getCause();
        }
        return sb.toString();
    }
}
