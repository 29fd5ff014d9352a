package dev.llmclient.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP/1.1 server on a loopback port for faults WireMock cannot express: it reads each
 * request on a keep-alive connection and hands the raw socket to a handler, which may answer,
 * stall, reset or close as it likes. Counts accepted connections and requests.
 */
public final class RawHttpServer implements AutoCloseable {

    /** Decides what happens to one request. */
    @FunctionalInterface
    public interface Handler {

        /**
         * Handles one request.
         * @param exchange the request and its connection
         * @return whether to keep reading requests on this connection
         * @throws IOException when writing fails
         */
        boolean handle(Exchange exchange) throws IOException;

    }

    /**
     * One request on one connection.
     *
     * @param requestNumber the request's number on the whole server, from 1
     * @param head the request line and headers
     * @param body the request body
     * @param socket the connection
     */
    public record Exchange(int requestNumber, String head, String body, Socket socket) {

        /** Writes a complete response and keeps the connection open. */
        public void respond(int status, String contentType, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = this.socket.getOutputStream();
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        }

        /** Closes the connection with a TCP reset instead of an orderly close. */
        public void reset() throws IOException {
            this.socket.setSoLinger(true, 0);
            this.socket.close();
        }

    }

    private final ServerSocket serverSocket;

    private final Handler handler;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    private final AtomicInteger connections = new AtomicInteger();

    private final AtomicInteger requests = new AtomicInteger();

    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public RawHttpServer(Handler handler) throws IOException {
        this.handler = handler;
        this.serverSocket = new ServerSocket();
        this.serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.threads.execute(this::acceptLoop);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + this.serverSocket.getLocalPort();
    }

    public int connections() {
        return this.connections.get();
    }

    public int requests() {
        return this.requests.get();
    }

    private void acceptLoop() {
        while (!this.serverSocket.isClosed()) {
            try {
                Socket socket = this.serverSocket.accept();
                this.connections.incrementAndGet();
                this.sockets.add(socket);
                this.threads.execute(() -> serve(socket));
            }
            catch (IOException ex) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String body = readBody(in, contentLength(head));
                Exchange exchange = new Exchange(this.requests.incrementAndGet(), head, body, socket);
                if (!this.handler.handle(exchange) || socket.isClosed()) {
                    return;
                }
            }
        }
        catch (IOException ex) {
            // the client went away or the handler broke the connection on purpose
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    private static String readBody(InputStream in, int length) throws IOException {
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        this.serverSocket.close();
        for (Socket socket : this.sockets) {
            socket.close();
        }
        this.threads.shutdownNow();
        try {
            this.threads.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
