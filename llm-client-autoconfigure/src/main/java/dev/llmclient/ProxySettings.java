package dev.llmclient;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

import static dev.llmclient.SettingChecks.blankToNull;
import static dev.llmclient.SettingChecks.withoutUserInfo;

/**
 * The HTTP proxy calls go through, in place of the JVM's proxy settings
 * ({@code https.proxyHost}, {@code http.proxyHost}, {@code http.nonProxyHosts}), which
 * apply while no URL is set. An https endpoint is reached through the proxy with
 * {@code CONNECT}, so the proxy relays TLS it cannot read; an http endpoint's requests
 * are forwarded by it. The credentials are sent (Basic authentication) when the proxy
 * asks for them with 407. The password is never logged nor shown, and {@link #toString()}
 * hides it.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#proxy}.
 *
 * @param url the proxy, such as {@code http://proxy.corp:3128}, with optional credentials
 * in its user-info ({@code http://user:password@proxy.corp:3128}), or {@code null} for
 * the JVM's proxy settings ({@code proxy.url})
 * @param username user name sent to the proxy when the URL carries none, or {@code null}
 * ({@code proxy.username})
 * @param password password sent to the proxy when the URL carries none, or {@code null}
 * ({@code proxy.password})
 * @param nonProxyHosts hosts reached directly, as in {@code http.nonProxyHosts}: names or
 * addresses with {@code *} wildcards, such as {@code localhost}, {@code *.corp.example}
 * or {@code 10.*} ({@code proxy.non-proxy-hosts})
 * @since 0.1.0
 */
public record ProxySettings(URI url, String username, String password, List<String> nonProxyHosts) {

	/** The defaults: no proxy of the client's own; the JVM's settings apply. */
	public static final ProxySettings DEFAULTS = new ProxySettings(null, null, null, List.of());

	private static final String PROXY_EXAMPLE = "e.g. http://proxy.corp:3128";

	private static final String HIDDEN = "******";

	/**
	 * Checks every value; that credentials and exceptions come with a URL is checked by
	 * {@link LlmClientSettings}.
	 * @throws LlmClientSettingException naming the invalid setting, never showing the
	 * password
	 */
	public ProxySettings {
		if (url != null) {
			checkProxyUrl(url);
		}
		username = blankToNull(username);
		password = (password == null || password.isEmpty()) ? null : password;
		if (url != null && url.getRawUserInfo() != null && (username != null || password != null)) {
			throw new LlmClientSettingException("proxy.username", username,
					"is given twice: proxy.url carries credentials in its user-info too; keep one of them");
		}
		nonProxyHosts = hostPatterns(nonProxyHosts);
	}

	/**
	 * Returns a copy with another proxy.
	 * @param url an http URL with host and port, such as {@code http://proxy.corp:3128},
	 * credentials percent-encoded in its user-info if any; {@code null} or blank for the
	 * JVM's proxy settings
	 * @return the copy
	 */
	public ProxySettings withUrl(String url) {
		return new ProxySettings(parseProxyUrl(url), this.username, this.password, this.nonProxyHosts);
	}

	/**
	 * Returns a copy with another user name for the proxy.
	 * @param username the user name, or {@code null}
	 * @return the copy
	 */
	public ProxySettings withUsername(String username) {
		return new ProxySettings(this.url, username, this.password, this.nonProxyHosts);
	}

	/**
	 * Returns a copy with another password for the proxy.
	 * @param password the password, or {@code null}
	 * @return the copy
	 */
	public ProxySettings withPassword(String password) {
		return new ProxySettings(this.url, this.username, password, this.nonProxyHosts);
	}

	/**
	 * Returns a copy with other hosts reached without the proxy.
	 * @param nonProxyHosts host names or addresses with {@code *} wildcards
	 * @return the copy
	 */
	public ProxySettings withNonProxyHosts(List<String> nonProxyHosts) {
		return new ProxySettings(this.url, this.username, this.password, nonProxyHosts);
	}

	/**
	 * Returns the user name sent to the proxy: {@code username}, else the URL's.
	 * @return the user name, or {@code null} when none is set
	 */
	public String effectiveUsername() {
		return (this.username != null) ? this.username : userInfo(0);
	}

	/**
	 * Returns the password sent to the proxy: {@code password}, else the URL's.
	 * @return the password, or {@code null} when none is set
	 */
	public String effectivePassword() {
		return (this.password != null) ? this.password : userInfo(1);
	}

	/**
	 * Returns the proxy as shown in logs and messages: scheme, host and port, never the
	 * credentials.
	 * @return the safe form of the URL, or {@code null} without one
	 */
	public String displayUrl() {
		return (this.url != null) ? this.url.getScheme() + "://" + this.url.getHost() + ":" + this.url.getPort() : null;
	}

	@Override
	public String toString() {
		return "ProxySettings[url=" + ((this.url != null) ? displayUrl() : "JVM settings") + ", username="
				+ effectiveUsername() + ", password=" + ((effectivePassword() != null) ? HIDDEN : "none")
				+ ", nonProxyHosts=" + this.nonProxyHosts + "]";
	}

	/** The checks that span values, once all are set. */
	void checkComplete() {
		if (this.url == null) {
			String jvm = ": set proxy.url too, " + PROXY_EXAMPLE;
			if (this.username != null) {
				throw new LlmClientSettingException("proxy.username", this.username, "has no effect" + jvm);
			}
			if (this.password != null) {
				throw new LlmClientSettingException("proxy.password", HIDDEN, "has no effect" + jvm);
			}
			if (!this.nonProxyHosts.isEmpty()) {
				throw new LlmClientSettingException("proxy.non-proxy-hosts", this.nonProxyHosts, "has no effect" + jvm
						+ " (the JVM's own proxy takes its exceptions from " + "-Dhttp.nonProxyHosts)");
			}
		}
		else if (effectivePassword() != null && effectiveUsername() == null) {
			throw new LlmClientSettingException("proxy.password", HIDDEN, "needs a user name: set proxy.username too");
		}
	}

	private String userInfo(int part) {
		String userInfo = (this.url != null) ? this.url.getUserInfo() : null;
		if (userInfo == null) {
			return null;
		}
		int colon = userInfo.indexOf(':');
		String user = (colon >= 0) ? userInfo.substring(0, colon) : userInfo;
		String password = (colon >= 0) ? userInfo.substring(colon + 1) : null;
		String value = (part == 0) ? user : password;
		return (value == null || value.isEmpty()) ? null : value;
	}

	private static URI parseProxyUrl(String url) {
		if (url == null || url.isBlank()) {
			return null;
		}
		try {
			return new URI(url.strip());
		}
		catch (URISyntaxException ex) {
			throw new LlmClientSettingException("proxy.url", withoutUserInfo(url), "is not a valid URL ("
					+ ex.getReason() + "): use " + PROXY_EXAMPLE + ", with credentials percent-encoded");
		}
	}

	private static void checkProxyUrl(URI url) {
		String shown = withoutUserInfo(url.toString());
		if (!"http".equalsIgnoreCase(url.getScheme())) {
			throw new LlmClientSettingException("proxy.url", shown, "must start with http:// (the proxy's own "
					+ "address; https endpoints are reached through it with CONNECT): use " + PROXY_EXAMPLE);
		}
		if (url.getHost() == null || url.getHost().isEmpty()) {
			throw new LlmClientSettingException("proxy.url", shown,
					"has no host: use " + PROXY_EXAMPLE + ", with credentials percent-encoded");
		}
		if (url.getPort() == -1) {
			throw new LlmClientSettingException("proxy.url", shown, "has no port: use " + PROXY_EXAMPLE);
		}
		String path = url.getRawPath();
		if ((path != null && !path.isEmpty() && !"/".equals(path)) || url.getRawQuery() != null
				|| url.getRawFragment() != null) {
			throw new LlmClientSettingException("proxy.url", shown,
					"must be the proxy's address only, without path or query: use " + PROXY_EXAMPLE);
		}
	}

	private static List<String> hostPatterns(List<String> patterns) {
		if (patterns == null) {
			return List.of();
		}
		for (String pattern : patterns) {
			if (pattern == null || pattern.isBlank() || pattern.strip().chars().anyMatch(Character::isWhitespace)) {
				throw new LlmClientSettingException("proxy.non-proxy-hosts", patterns,
						"holds an empty or malformed entry: list host names or addresses with * wildcards, "
								+ "e.g. localhost, *.corp.example, 10.*");
			}
		}
		return patterns.stream().map(String::strip).toList();
	}

}
