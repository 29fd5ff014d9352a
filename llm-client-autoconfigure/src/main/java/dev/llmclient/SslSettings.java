package dev.llmclient;

import java.util.List;

import javax.net.ssl.SSLContext;

import static dev.llmclient.SettingChecks.blankToNull;

/**
 * TLS material for an https endpoint in place of the JVM's defaults: an
 * {@link SSLContext} whose trust managers trust a private CA and whose key managers hold
 * a client certificate for mutual TLS, and the protocols and cipher suites to enable.
 * Under Spring Boot it comes from the SSL bundle named by {@code ssl.bundle}. Without a
 * context the JVM's default trust store applies ({@code -Djavax.net.ssl.trustStore}, else
 * the JDK's {@code cacerts}). The server's host name is always verified against its
 * certificate.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#ssl}.
 *
 * @param bundle name of the SSL bundle the context comes from, shown in messages, or
 * {@code null} ({@code ssl.bundle})
 * @param sslContext context the connections use, or {@code null} for the JVM's default
 * @param protocols TLS protocols to enable, such as {@code TLSv1.3}; empty for the
 * context's defaults
 * @param ciphers cipher suites to enable; empty for the context's defaults
 * @since 0.1.0
 */
public record SslSettings(String bundle, SSLContext sslContext, List<String> protocols, List<String> ciphers) {

	/** The defaults: the JVM's trust store, protocols and cipher suites. */
	public static final SslSettings DEFAULTS = new SslSettings(null, null, List.of(), List.of());

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming {@code ssl.bundle} when a protocol or
	 * cipher suite is blank
	 */
	public SslSettings {
		bundle = blankToNull(bundle);
		protocols = names(bundle, protocols, "TLS protocol, such as TLSv1.3");
		ciphers = names(bundle, ciphers, "cipher suite, such as TLS_AES_128_GCM_SHA256");
	}

	/**
	 * Returns a copy that names the SSL bundle the context comes from, for messages.
	 * @param bundle the bundle's name, or {@code null}
	 * @return the copy
	 */
	public SslSettings withBundle(String bundle) {
		return new SslSettings(bundle, this.sslContext, this.protocols, this.ciphers);
	}

	/**
	 * Returns a copy whose connections use another context: build it with the trust
	 * managers of your CA and, for mutual TLS, the key managers of your client
	 * certificate.
	 * @param sslContext an initialised context, or {@code null} for the JVM's default
	 * @return the copy
	 */
	public SslSettings withSslContext(SSLContext sslContext) {
		return new SslSettings(this.bundle, sslContext, this.protocols, this.ciphers);
	}

	/**
	 * Returns a copy that enables only some TLS protocols.
	 * @param protocols protocol names such as {@code TLSv1.3}, or empty for the context's
	 * defaults
	 * @return the copy
	 */
	public SslSettings withProtocols(List<String> protocols) {
		return new SslSettings(this.bundle, this.sslContext, protocols, this.ciphers);
	}

	/**
	 * Returns a copy that enables only some cipher suites.
	 * @param ciphers cipher suite names, or empty for the context's defaults
	 * @return the copy
	 */
	public SslSettings withCiphers(List<String> ciphers) {
		return new SslSettings(this.bundle, this.sslContext, this.protocols, ciphers);
	}

	@Override
	public String toString() {
		return "SslSettings[bundle=" + this.bundle + ", sslContext="
				+ ((this.sslContext != null) ? this.sslContext.getProtocol() : "JVM default") + ", protocols="
				+ this.protocols + ", ciphers=" + this.ciphers + "]";
	}

	private static List<String> names(String bundle, List<String> names, String what) {
		if (names == null) {
			return List.of();
		}
		for (String name : names) {
			if (name == null || name.isBlank()) {
				throw new LlmClientSettingException("ssl.bundle", bundle,
						"enables a blank " + what + ": list names, or none for the defaults");
			}
		}
		return names.stream().map(String::strip).toList();
	}

}
