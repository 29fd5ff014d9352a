package dev.llmclient.internal.http;

import java.net.ProxySelector;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.auth.CredentialsProviderBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.routing.HttpRoutePlanner;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

import dev.llmclient.ProxySettings;

/**
 * Routes connections through the proxy of {@code proxy.url}, except to the hosts of
 * {@code proxy.non-proxy-hosts}. HttpClient then tunnels to an https endpoint with
 * {@code CONNECT} and sends an http endpoint's requests to the proxy in absolute form.
 */
public final class ProxyRoutePlanner extends DefaultRoutePlanner {

	private final HttpHost proxy;

	private final List<Pattern> directHosts;

	private ProxyRoutePlanner(ProxySettings settings) {
		super(DefaultSchemePortResolver.INSTANCE);
		this.proxy = proxyHost(settings);
		this.directHosts = settings.nonProxyHosts().stream().map(ProxyRoutePlanner::hostPattern).toList();
	}

	/**
	 * The planner for the settings: the client's own proxy when {@code proxy.url} is set,
	 * else the JVM's proxy settings ({@code https.proxyHost}, {@code http.nonProxyHosts},
	 * ...) as the default {@link ProxySelector} reads them.
	 */
	static HttpRoutePlanner of(ProxySettings settings) {
		return (settings.url() != null) ? new ProxyRoutePlanner(settings)
				: new SystemDefaultRoutePlanner(ProxySelector.getDefault());
	}

	/**
	 * The proxy's credentials, scoped to the proxy's host and port so that a server's own
	 * challenge (401) never receives them; HttpClient sends them when the proxy asks
	 * (407).
	 * @return the provider, or {@code null} when the proxy needs no credentials
	 */
	static CredentialsProvider credentials(ProxySettings settings) {
		String username = settings.effectiveUsername();
		if (settings.url() == null || username == null) {
			return null;
		}
		String password = settings.effectivePassword();
		return CredentialsProviderBuilder.create()
			.add(new AuthScope(proxyHost(settings)), username,
					(password != null) ? password.toCharArray() : new char[0])
			.build();
	}

	@Override
	protected HttpHost determineProxy(HttpHost target, HttpContext context) {
		return isDirect(target.getHostName()) ? null : this.proxy;
	}

	private boolean isDirect(String host) {
		for (Pattern pattern : this.directHosts) {
			if (pattern.matcher(host).matches()) {
				return true;
			}
		}
		return false;
	}

	private static HttpHost proxyHost(ProxySettings settings) {
		return new HttpHost("http", settings.url().getHost(), settings.url().getPort());
	}

	/**
	 * A pattern of {@code http.nonProxyHosts}: the whole host name, {@code *} for any
	 * characters, letters in any case.
	 */
	public static Pattern hostPattern(String pattern) {
		String regex = Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
		return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
	}

}
