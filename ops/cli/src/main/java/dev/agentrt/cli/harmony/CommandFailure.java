package dev.agentrt.cli.harmony;

/** Bad input to a harmony command: its message goes to stderr as is, and the command exits with code 2. */
final class CommandFailure extends Exception {
    private static final long serialVersionUID = 1L;
    static final int EXIT_CODE = 2;

    CommandFailure(String message) {
        super(message);
    }
}
