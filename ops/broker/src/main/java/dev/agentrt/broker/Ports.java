package dev.agentrt.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** TCP port helpers for listeners bound to 127.0.0.1. */
final class Ports {

    private Ports() {
    }

    /**
     * Asks the OS for {@code count} distinct free ports. They are held open together so that the same port is not
     * handed out twice; another process can still take one before Kafka binds it, which start() reports clearly.
     */
    static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.bind(new InetSocketAddress(loopback(), 0));
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free TCP port on " + SingleNodeKraftConfig.HOST, e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // best effort: the port is released either way
                }
            }
        }
    }

    /** Fails with a clear message when {@code port} cannot be bound on 127.0.0.1 right now. */
    static void requireBindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on " + SingleNodeKraftConfig.HOST
                    + " is not available (" + e.getMessage() + "); is another broker running? Use another port or 0 for a free one", e);
        }
    }

    static void requireValid(int port, String what) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(what + " must be between 0 and 65535 (0 = a free port), got " + port);
        }
    }

    private static InetAddress loopback() throws IOException {
        return InetAddress.getByName(SingleNodeKraftConfig.HOST);
    }
}
