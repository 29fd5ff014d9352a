package dev.llmclient.internal.wire;

import dev.llmclient.LlmClientSettings;
import dev.llmclient.ProxySettings;
import dev.llmclient.SslSettings;

/**
 * What {@link Failures} tells the user to check after a failure: the settings behind an
 * error status, refused credentials (the API key, the proxy's), and the TLS material a
 * failed or cut connection used. Each names the exact {@code llm.client.*} keys.
 */
final class FailureHints {

	private final LlmClientSettings settings;

	/** The path of the setting that holds the key calls send: hints name it. */
	private final String apiKeyPath;

	FailureHints(LlmClientSettings settings, String apiKeyPath) {
		this.settings = settings;
		this.apiKeyPath = apiKeyPath;
	}

	/** What to check after an error status, or {@code null} when there is no hint. */
	String forStatus(int status) {
		String apiKey = this.settings.property(this.apiKeyPath);
		String endpoint = this.settings.property("endpoint");
		String model = this.settings.property("model");
		return switch (status) {
			case 401 -> "Check " + apiKey;
			case 403 -> "The API key lacks access to this model or endpoint: check " + apiKey + " and " + model;
			case 404 -> "Check " + endpoint + " (OpenAI-compatible servers usually serve under /v1) and " + model;
			case 407 -> proxyRefused();
			case 429 ->
				"The server is rate limiting: lower " + this.settings.property("max-concurrent") + " or retry later";
			default -> null;
		};
	}

	/**
	 * Why the server or the proxy refused the client's credentials, with what to check:
	 * for warm-up and the health probe, which see the status of {@code GET /models}.
	 * @return the reason, or {@code null} when the status is no refusal
	 */
	String credentialsRejected(int status) {
		if (status == 407) {
			return "GET " + this.settings.displayEndpoint() + "/models answered HTTP 407: " + proxyRefused();
		}
		return (status == 401 || status == 403) ? keyRejected(status) : null;
	}

	/** Why the server refused the API key, with what to check. */
	private String keyRejected(int status) {
		String apiKey = this.settings.property(this.apiKeyPath);
		String given = (this.settings.apiKey() != null) ? "the key in " + apiKey : "a request without " + apiKey;
		return "GET " + this.settings.displayEndpoint() + "/models answered HTTP " + status + ": the server rejected "
				+ given + ". Check " + apiKey + ": every call will fail the same way";
	}

	/** What a 407 means: the proxy on the way refused, or wanted, credentials. */
	private String proxyRefused() {
		ProxySettings proxy = this.settings.proxy();
		String url = this.settings.property("proxy.url");
		if (proxy.url() == null) {
			return "The proxy of the JVM's proxy settings asks for credentials: set " + url + " with "
					+ this.settings.property("proxy.username") + " and " + this.settings.property("proxy.password");
		}
		String given = (proxy.effectiveUsername() != null)
				? "rejected the credentials of user '" + proxy.effectiveUsername() + "'"
				: "asks for credentials and none are set";
		return "The proxy " + url + "=" + proxy.displayUrl() + " " + given + ". Check "
				+ this.settings.property("proxy.username") + " and " + this.settings.property("proxy.password")
				+ " (or the user-info of " + url + ")";
	}

	/**
	 * Over TLS 1.3 a server that requires a client certificate it did not get ends the
	 * connection after the handshake, so the client sees a closed or reset connection
	 * rather than a TLS error: say so for https endpoints.
	 */
	String mutualTls() {
		if (this.settings.endpoint() == null || !"https".equalsIgnoreCase(this.settings.endpoint().getScheme())) {
			return "";
		}
		SslSettings ssl = this.settings.ssl();
		String bundle = this.settings.property("ssl.bundle");
		String fix;
		if (ssl.sslContext() == null) {
			fix = "configure " + bundle + " with an SSL bundle that holds one";
		}
		else if (ssl.bundle() != null) {
			fix = "check that SSL bundle '" + ssl.bundle() + "' (" + bundle + ") holds one the server accepts";
		}
		else {
			fix = "check that the client's own SSLContext holds one the server accepts";
		}
		return " If the server requires a client certificate (mutual TLS), " + fix + ".";
	}

	/** Which TLS material the failed handshake used, when it was the client's own. */
	String tlsMaterial() {
		SslSettings ssl = this.settings.ssl();
		if (ssl.sslContext() == null) {
			return "";
		}
		return (ssl.bundle() != null)
				? " with SSL bundle '" + ssl.bundle() + "' (" + this.settings.property("ssl.bundle") + ")"
				: " with the client's own SSLContext";
	}

	String tlsAdvice() {
		String bundle = this.settings.property("ssl.bundle");
		if (this.settings.ssl().sslContext() == null) {
			return "Check that the endpoint really speaks https. If the server's certificate comes from a private "
					+ "CA, or the server asks for a client certificate (mutual TLS), configure " + bundle
					+ " with an SSL bundle that trusts that CA and holds the client certificate.";
		}
		return "Check that it trusts the CA that signed the server's certificate, that the certificate names "
				+ "the endpoint's host, and, for mutual TLS, that it holds a client certificate the server accepts.";
	}

}
