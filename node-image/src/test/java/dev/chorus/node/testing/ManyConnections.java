package dev.chorus.node.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens N connections at once, sends PING on each as soon as it is connected, and waits until every one has its
 * reply: the time from the first connect to the last reply. Run as its own process ({@code main}) so that it can get
 * a file-descriptor limit of its own (see ConnectionLimitsIT). Prints one line:
 * {@code elapsedMillis=... answered=... pong=... other=<first other reply>}.
 */
public final class ManyConnections {
    private ManyConnections() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        long timeoutMillis = args.length > 2 ? Long.parseLong(args[2]) : 30_000;
        System.out.println(run(port, n, timeoutMillis));
    }

    public static String run(int port, int n, long timeoutMillis) throws IOException {
        byte[] ping = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
        List<SocketChannel> channels = new ArrayList<>(n);
        int answered = 0;
        int pong = 0;
        String other = "";
        long start = System.nanoTime();
        long deadline = start + timeoutMillis * 1_000_000L;
        try (Selector selector = Selector.open()) {
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channels.add(ch);
                if (ch.connect(addr)) {
                    ch.write(ByteBuffer.wrap(ping));
                    ch.register(selector, SelectionKey.OP_READ, new StringBuilder());
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT, new StringBuilder());
                }
            }
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (answered < n && System.nanoTime() < deadline) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) key.channel();
                    StringBuilder got = (StringBuilder) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            ch.finishConnect();
                            ch.write(ByteBuffer.wrap(ping));
                            key.interestOps(SelectionKey.OP_READ);
                            continue;
                        }
                        in.clear();
                        int r = ch.read(in);
                        if (r > 0) {
                            got.append(new String(in.array(), 0, r, StandardCharsets.ISO_8859_1));
                        }
                        if (r < 0 || got.indexOf("\r\n") >= 0) {
                            key.cancel();
                            answered++;
                            if (got.toString().equals("+PONG\r\n")) {
                                pong++;
                            } else if (other.isEmpty()) {
                                other = got.length() == 0 ? "<closed>" : got.toString().trim();
                            }
                        }
                    } catch (IOException e) {
                        key.cancel();
                        answered++;
                        if (other.isEmpty()) {
                            other = "<" + e.getMessage() + ">";
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            for (SocketChannel ch : channels) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing our own sockets
                }
            }
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000L;
        return "elapsedMillis=" + elapsed + " answered=" + answered + " pong=" + pong + " other=" + other;
    }
}
