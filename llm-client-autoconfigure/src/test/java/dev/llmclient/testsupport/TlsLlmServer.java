package dev.llmclient.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * An OpenAI-compatible server over https on a loopback port (the JDK's
 * {@link HttpsServer}), with the certificate of {@link TestCertificates}: answers
 * {@code GET /v1/models} and {@code POST /v1/chat/completions}, and remembers the TLS
 * protocol and client certificate of each request it answered.
 */
public final class TlsLlmServer implements AutoCloseable {

	private final HttpsServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "tls-llm-server");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger chatRequests = new AtomicInteger();

	private final Queue<String> protocols = new ConcurrentLinkedQueue<>();

	private final Queue<String> clients = new ConcurrentLinkedQueue<>();

	private TlsLlmServer(SSLContext context, boolean needClientAuth) throws IOException {
		this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setHttpsConfigurator(new HttpsConfigurator(context) {

			@Override
			public void configure(HttpsParameters params) {
				SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
				parameters.setNeedClientAuth(needClientAuth);
				params.setSSLParameters(parameters);
			}

		});
		this.server.createContext("/v1/", (exchange) -> {
			SSLSession session = ((HttpsExchange) exchange).getSSLSession();
			this.protocols.add(session.getProtocol());
			this.clients.add(clientName(session));
			boolean chat = exchange.getRequestURI().getPath().endsWith("/chat/completions");
			if (chat) {
				this.chatRequests.incrementAndGet();
			}
			exchange.getRequestBody().readAllBytes();
			byte[] body = (chat ? CannedBodies.completion("tls-model", "Hello over TLS")
					: "{\"object\":\"list\",\"data\":[]}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	/**
	 * Starts a server that accepts any client.
	 * @return the running server; close it when done
	 */
	public static TlsLlmServer start() {
		return start(false);
	}

	/**
	 * Starts a server that accepts only clients presenting a certificate signed by the
	 * test CA (mutual TLS).
	 * @return the running server; close it when done
	 */
	public static TlsLlmServer startRequiringClientCertificate() {
		return start(true);
	}

	private static TlsLlmServer start(boolean needClientAuth) {
		try {
			return new TlsLlmServer(TestCertificates.get().serverContext(), needClientAuth);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** {@code https://127.0.0.1:port/v1}. */
	public String endpoint() {
		return "https://127.0.0.1:" + this.server.getAddress().getPort() + "/v1";
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	/** Chat completions answered. */
	public int chatRequests() {
		return this.chatRequests.get();
	}

	/** The TLS protocol of each request answered, such as {@code TLSv1.3}. */
	public Queue<String> protocols() {
		return this.protocols;
	}

	/**
	 * The subject of the client certificate of each request answered, or {@code none}.
	 */
	public Queue<String> clients() {
		return this.clients;
	}

	private static String clientName(SSLSession session) {
		try {
			Principal peer = session.getPeerPrincipal();
			return peer.getName();
		}
		catch (SSLPeerUnverifiedException ex) {
			return "none";
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
