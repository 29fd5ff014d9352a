package dev.llmclient.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible chat completions server on a raw loopback socket that counts the requests
 * it holds at once: a request is in flight from the moment it has been read until just before its
 * answer is written, so the count never exceeds what the client really has in flight. One thread
 * per keep-alive connection, so it is never the bottleneck for a client that holds as many
 * connections as calls.
 * <p>
 * The answer depends on the prompt (the last {@code "content"} of the request): it is echoed as
 * {@code echo: <prompt>}, except {@code fail-400} and {@code fail-500} (an error status),
 * {@code malformed} (a 200 that is not JSON), {@code reset} (a TCP reset), and prompts starting
 * with {@code hold}, which wait for {@link #release()}. A fixed latency can be added to every
 * answer, and the first requests can be gated until a number of them are in flight together.
 */
public final class CountingChatServer implements AutoCloseable {

    private final ServerSocket serverSocket;

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private final AtomicInteger inFlight = new AtomicInteger();

    private final AtomicInteger maxInFlight = new AtomicInteger();

    private final AtomicInteger requests = new AtomicInteger();

    private final AtomicInteger held = new AtomicInteger();

    private final AtomicInteger connections = new AtomicInteger();

    private final CountDownLatch released = new CountDownLatch(1);

    private volatile long latencyNanos;

    private volatile CountDownLatch gate;

    private volatile boolean closed;

    public CountingChatServer() throws IOException {
        this.serverSocket = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "counting-chat-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The base URL to give the client as its endpoint. */
    public String endpoint() {
        return "http://127.0.0.1:" + this.serverSocket.getLocalPort() + "/v1";
    }

    /** Adds a fixed delay before every answer. */
    public CountingChatServer latency(Duration latency) {
        this.latencyNanos = latency.toNanos();
        return this;
    }

    /**
     * Makes the next {@code count} requests wait until {@code count} requests are in flight
     * together (or 10 seconds pass), so reaching a concurrency level does not depend on timing.
     */
    public CountingChatServer gateFirst(int count) {
        this.gate = new CountDownLatch(count);
        return this;
    }

    /** Lets every held request (prompt starting with {@code hold}) answer, now and later. */
    public void release() {
        this.released.countDown();
    }

    /** The most requests ever in flight at once. */
    public int maxInFlight() {
        return this.maxInFlight.get();
    }

    /** Starts counting the most requests in flight at once afresh. */
    public void resetMaxInFlight() {
        this.maxInFlight.set(this.inFlight.get());
    }

    public int inFlight() {
        return this.inFlight.get();
    }

    /** Requests read so far. */
    public int requests() {
        return this.requests.get();
    }

    /** Requests waiting for {@link #release()} now. */
    public int held() {
        return this.held.get();
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return this.connections.get();
    }

    /** Waits until {@code count} requests are held. */
    public void awaitHeld(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (this.held.get() < count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("expected " + count + " held requests, got " + this.held.get());
            }
            Thread.sleep(1);
        }
    }

    private void acceptLoop() {
        int number = 0;
        while (!this.closed) {
            try {
                Socket socket = this.serverSocket.accept();
                socket.setTcpNoDelay(true);
                this.connections.incrementAndGet();
                this.sockets.add(socket);
                Thread thread = new Thread(() -> serve(socket), "counting-chat-server-" + (++number));
                thread.setDaemon(true);
                thread.start();
            }
            catch (IOException ex) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String body = new String(in.readNBytes(contentLength(head)), StandardCharsets.UTF_8);
                this.requests.incrementAndGet();
                int now = this.inFlight.incrementAndGet();
                this.maxInFlight.accumulateAndGet(now, Math::max);
                if (!answer(prompt(body), socket, out)) {
                    return;
                }
            }
        }
        catch (IOException | InterruptedException ex) {
            // the client went away, or the server is closing
        }
        finally {
            this.sockets.remove(socket);
        }
    }

    /** Answers one request; the in-flight count is lowered just before anything is written. */
    private boolean answer(String prompt, Socket socket, OutputStream out) throws IOException, InterruptedException {
        CountDownLatch gate = this.gate;
        if (gate != null && gate.getCount() > 0) {
            gate.countDown();
            gate.await(10, TimeUnit.SECONDS);
        }
        if (prompt.startsWith("hold")) {
            this.held.incrementAndGet();
            try {
                this.released.await();
            }
            finally {
                this.held.decrementAndGet();
            }
        }
        long latency = this.latencyNanos;
        if (latency > 0) {
            TimeUnit.NANOSECONDS.sleep(latency);
        }
        this.inFlight.decrementAndGet();
        switch (prompt) {
            case "fail-400" -> write(out, 400, "application/json",
                    "{\"error\":{\"message\":\"bad prompt\",\"type\":\"invalid_request_error\",\"code\":null}}");
            case "fail-500" -> write(out, 500, "application/json", "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
            case "malformed" -> write(out, 200, "text/html", "<html>not a completion</html>");
            case "reset" -> {
                socket.setSoLinger(true, 0);
                socket.close();
                return false;
            }
            default -> write(out, 200, "application/json", "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"counting\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"echo: " + prompt
                    + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}");
        }
        return true;
    }

    private static void write(OutputStream out, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[head.length + bytes.length];
        System.arraycopy(head, 0, response, 0, head.length);
        System.arraycopy(bytes, 0, response, head.length, bytes.length);
        out.write(response);
        out.flush();
    }

    /** The last {@code "content":"..."} of the request body: the user's prompt. */
    static String prompt(String body) {
        String marker = "\"content\":\"";
        int start = body.lastIndexOf(marker);
        if (start < 0) {
            return "";
        }
        start += marker.length();
        int end = body.indexOf('"', start);
        return (end < 0) ? "" : body.substring(start, end);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
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

    @Override
    public void close() throws IOException {
        this.closed = true;
        release();
        this.serverSocket.close();
        for (Socket socket : this.sockets) {
            socket.close();
        }
    }

}
