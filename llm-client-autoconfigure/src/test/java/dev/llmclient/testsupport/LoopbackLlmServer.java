package dev.llmclient.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal OpenAI-compatible HTTP/1.1 keep-alive server on a raw {@link ServerSocket} bound to
 * 127.0.0.1 on a free port, which counts the TCP connections it accepts and sees closed: what
 * WireMock cannot tell. Answers {@code GET .../models} and {@code POST .../chat/completions};
 * chat completions can be held until the test releases them. One thread per connection.
 */
public final class LoopbackLlmServer implements AutoCloseable {

    private static final byte[] MODELS = """
            {"object":"list","data":[{"id":"loopback-model","object":"model","owned_by":"test"}]}""".getBytes(StandardCharsets.UTF_8);

    private static final byte[] COMPLETION = """
            {"id":"chatcmpl-loopback","object":"chat.completion","created":1700000000,"model":"loopback-model",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Hello from loopback"},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""".getBytes(StandardCharsets.UTF_8);

    private final ServerSocket serverSocket;

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private final AtomicInteger accepted = new AtomicInteger();

    private final AtomicInteger ended = new AtomicInteger();

    private final AtomicInteger modelsRequests = new AtomicInteger();

    private final AtomicInteger chatRequests = new AtomicInteger();

    private final Semaphore heldChats = new Semaphore(0);

    private volatile CountDownLatch chatHold;

    private volatile int modelsStatus = 200;

    private volatile long chatDelayMillis;

    private volatile boolean closed;

    private LoopbackLlmServer() throws IOException {
        this.serverSocket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "loopback-llm-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server on a free loopback port.
     * @return the running server; close it when done
     */
    public static LoopbackLlmServer start() {
        try {
            return new LoopbackLlmServer();
        }
        catch (IOException ex) {
            throw new IllegalStateException("Could not bind a loopback port", ex);
        }
    }

    /**
     * Returns a loopback endpoint on which nothing listens: connecting is refused.
     * @return an {@code http://127.0.0.1:port/v1} URL
     */
    public static String refusingEndpoint() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
        }
        catch (IOException ex) {
            throw new IllegalStateException("Could not bind a loopback port", ex);
        }
    }

    public int port() {
        return this.serverSocket.getLocalPort();
    }

    /** The base URL to configure as {@code llm.client.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** TCP connections accepted so far. */
    public int acceptedConnections() {
        return this.accepted.get();
    }

    /** Accepted connections the client has not closed (or reset) yet. */
    public int openConnections() {
        return this.accepted.get() - this.ended.get();
    }

    public int modelsRequests() {
        return this.modelsRequests.get();
    }

    public int chatRequests() {
        return this.chatRequests.get();
    }

    /** Answers {@code GET .../models} with this status from now on (an error body for non-200). */
    public void answerModelsWith(int status) {
        this.modelsStatus = status;
    }

    /** Answers each chat completion after this delay from now on, as a model generating would. */
    public void delayChatCompletions(Duration delay) {
        this.chatDelayMillis = delay.toMillis();
    }

    /** From now on chat completions wait, once received, until {@link #releaseChatCompletions()}. */
    public void holdChatCompletions() {
        this.chatHold = new CountDownLatch(1);
    }

    /**
     * Waits until {@code count} chat completions are being held.
     * @param count how many
     * @param timeout the longest wait
     * @return whether they arrived in time
     */
    public boolean awaitHeldChatCompletions(int count, Duration timeout) throws InterruptedException {
        return this.heldChats.tryAcquire(count, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Answers every held chat completion, and those after it at once. */
    public void releaseChatCompletions() {
        CountDownLatch hold = this.chatHold;
        this.chatHold = null;
        if (hold != null) {
            hold.countDown();
        }
    }

    @Override
    public void close() {
        this.closed = true;
        releaseChatCompletions();
        try {
            this.serverSocket.close();
        }
        catch (IOException ex) {
            // closing anyway
        }
        for (Socket socket : this.sockets) {
            closeQuietly(socket);
        }
    }

    private void acceptLoop() {
        while (!this.closed) {
            Socket socket;
            try {
                socket = this.serverSocket.accept();
            }
            catch (IOException ex) {
                return;
            }
            this.accepted.incrementAndGet();
            this.sockets.add(socket);
            Thread worker = new Thread(() -> serve(socket), "loopback-llm-conn-" + this.accepted.get());
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!this.closed) {
                String requestLine = readLine(in);
                if (requestLine == null) {
                    return;
                }
                int contentLength = 0;
                boolean chunked = false;
                String line;
                while ((line = readLine(in)) != null && !line.isEmpty()) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring(15).trim());
                    }
                    else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                        chunked = true;
                    }
                }
                if (line == null) {
                    return;
                }
                if (chunked) {
                    readChunkedBody(in);
                }
                else {
                    in.readNBytes(contentLength);
                }
                respond(requestLine, out);
            }
        }
        catch (SocketException ex) {
            // reset or closed by the client: counted below
        }
        catch (IOException | InterruptedException ex) {
            // connection over
        }
        finally {
            this.sockets.remove(socket);
            this.ended.incrementAndGet();
        }
    }

    private void respond(String requestLine, OutputStream out) throws IOException, InterruptedException {
        String[] parts = requestLine.split(" ");
        String method = parts[0];
        String path = (parts.length > 1) ? parts[1] : "";
        if ("GET".equals(method) && path.endsWith("/models")) {
            this.modelsRequests.incrementAndGet();
            int status = this.modelsStatus;
            write(out, status, (status == 200) ? MODELS
                    : "{\"error\":{\"message\":\"no models here\"}}".getBytes(StandardCharsets.UTF_8));
        }
        else if ("POST".equals(method) && path.endsWith("/chat/completions")) {
            this.chatRequests.incrementAndGet();
            CountDownLatch hold = this.chatHold;
            if (hold != null) {
                this.heldChats.release();
                hold.await();
            }
            if (this.chatDelayMillis > 0) {
                Thread.sleep(this.chatDelayMillis);
            }
            write(out, 200, COMPLETION);
        }
        else {
            write(out, 404, "{\"error\":{\"message\":\"not found\"}}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void write(OutputStream out, int status, byte[] body) throws IOException {
        String head = "HTTP/1.1 " + status + ((status == 200) ? " OK" : " Error") + "\r\nContent-Type: application/json"
                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static void readChunkedBody(InputStream in) throws IOException {
        while (true) {
            String size = readLine(in);
            if (size == null) {
                throw new IOException("Stream ended inside a chunked body");
            }
            int length = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (length == 0) {
                String trailer;
                while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
                    // skip trailers
                }
                return;
            }
            in.readNBytes(length);
            readLine(in);
        }
    }

    /** One CRLF-terminated line, or {@code null} at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.US_ASCII);
            }
            line.write(b);
        }
        return null;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        }
        catch (IOException ex) {
            // closing anyway
        }
    }

}
