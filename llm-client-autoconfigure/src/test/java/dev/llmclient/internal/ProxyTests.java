package dev.llmclient.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.testsupport.LoopbackLlmServer;
import dev.llmclient.testsupport.LoopbackProxy;
import dev.llmclient.testsupport.TestCertificates;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.testsupport.TlsLlmServer;
import dev.llmclient.internal.http.ProxyRoutePlanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code proxy.*} against a forwarding proxy on loopback: http endpoints are forwarded by
 * it, https endpoints tunnelled through it with {@code CONNECT}; credentials go to the
 * proxy when it asks, and never show.
 */
class ProxyTests {

	private static final String PASSWORD = "pr0xy:S3cret@corp";

	private static LoopbackLlmServer httpServer;

	private static TlsLlmServer httpsServer;

	@BeforeAll
	static void startServers() {
		httpServer = LoopbackLlmServer.start();
		httpsServer = TlsLlmServer.start();
	}

	@AfterAll
	static void stopServers() {
		httpServer.close();
		httpsServer.close();
	}

	@Test
	void httpCallsAreForwardedByTheProxy() {
		int before = httpServer.chatRequests();
		try (LoopbackProxy proxy = LoopbackProxy.open();
				LlmClient client = http().proxy((p) -> p.withUrl(proxy.url())).build()) {
			assertThat(client.generate("Hi")).isEqualTo("Hello from loopback");
			assertThat(proxy.forwarded()).isOne();
			assertThat(proxy.tunnels()).isZero();
		}
		assertThat(httpServer.chatRequests()).isEqualTo(before + 1);
	}

	@Test
	void httpsCallsAreTunnelledThroughTheProxy() {
		try (LoopbackProxy proxy = LoopbackProxy.open();
				LlmClient client = https().proxy((p) -> p.withUrl(proxy.url())).build()) {
			assertThat(client.generate("Hi")).isEqualTo("Hello over TLS");
			assertThat(client.generate("Again")).isEqualTo("Hello over TLS");
			assertThat(proxy.tunnels()).as("one tunnel, reused by the pooled connection").isOne();
			assertThat(proxy.forwarded()).isZero();
		}
	}

	@Test
	void credentialsGoToTheProxyWhenItAsks() {
		String basic = "Basic "
				+ Base64.getEncoder().encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
		try (LoopbackProxy proxy = LoopbackProxy.requiringCredentials("alice", PASSWORD);
				LlmClient viaProperties = https()
					.proxy((p) -> p.withUrl(proxy.url()).withUsername("alice").withPassword(PASSWORD))
					.build();
				LlmClient viaUserInfo = http()
					.proxy((p) -> p.withUrl(proxy.url()
						.replace("://", "://alice:" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "@")))
					.build()) {
			assertThat(viaProperties.generate("Hi")).isEqualTo("Hello over TLS");
			assertThat(viaUserInfo.generate("Hi")).isEqualTo("Hello from loopback");
			assertThat(proxy.refused()).as("each asked once with 407").isEqualTo(2);
			assertThat(proxy.authorizations()).containsExactly(basic, basic);
			assertThat(proxy.tunnels()).isOne();
			assertThat(proxy.forwarded()).isOne();
		}
	}

	@Test
	void nonProxyHostsAreReachedDirectly() {
		try (LoopbackProxy proxy = LoopbackProxy.open();
				LlmClient client = https().proxy((p) -> p.withUrl(proxy.url()).withNonProxyHosts(List.of("127.*")))
					.build()) {
			assertThat(client.generate("Hi")).isEqualTo("Hello over TLS");
			assertThat(proxy.tunnels()).isZero();
			assertThat(proxy.forwarded()).isZero();
		}
	}

	@Test
	void wrongPasswordFailsNamingTheProxySettingsNeverThePassword() {
		try (LoopbackProxy proxy = LoopbackProxy.requiringCredentials("alice", "the-right-one");
				LlmClient tunnelled = https()
					.proxy((p) -> p.withUrl(proxy.url()).withUsername("alice").withPassword(PASSWORD))
					.build();
				LlmClient forwarded = http()
					.proxy((p) -> p.withUrl(proxy.url()).withUsername("alice").withPassword(PASSWORD))
					.build()) {
			for (LlmClient client : List.of(tunnelled, forwarded)) {
				LlmHttpException failure = catchThrowableOfType(LlmHttpException.class, () -> client.generate("Hi"));
				assertThat(failure.statusCode()).isEqualTo(407);
				assertThat(failure.origin()).isEqualTo(LlmClientException.Origin.CONFIGURATION);
				assertThat(failure.isRetryable()).isFalse();
				assertThat(failure)
					.hasMessageContaining("The proxy llm.client.proxy.url=" + proxy.url()
							+ " rejected the credentials of user 'alice'. Check llm.client.proxy.username and "
							+ "llm.client.proxy.password")
					.hasMessageNotContaining(PASSWORD);
				assertThat(client.health().toString()).contains("llm.client.proxy.password").doesNotContain(PASSWORD);
				assertThat(client.toString()).doesNotContain(PASSWORD);
				assertThat(((DefaultLlmClient) client).settings().toString()).contains("password=******")
					.doesNotContain(PASSWORD);
			}
		}
	}

	@Test
	void withoutProxyUrlTheJvmProxySettingsApply() {
		String[] keys = { "http.proxyHost", "http.proxyPort" };
		String[] saved = { System.getProperty(keys[0]), System.getProperty(keys[1]) };
		// a host only the proxy can reach: the JVM never sends loopback addresses to a
		// proxy
		String endpoint = "http://llm.internal.test:" + httpServer.port() + "/v1";
		try (LoopbackProxy proxy = LoopbackProxy.open()) {
			System.setProperty("http.proxyHost", "127.0.0.1");
			System.setProperty("http.proxyPort", proxy.url().substring(proxy.url().lastIndexOf(':') + 1));
			try (LlmClient client = TestClients.lazy(endpoint).build()) {
				assertThat(client.generate("Hi")).isEqualTo("Hello from loopback");
			}
			assertThat(proxy.forwarded()).isOne();
		}
		finally {
			for (int i = 0; i < keys.length; i++) {
				if (saved[i] != null) {
					System.setProperty(keys[i], saved[i]);
				}
				else {
					System.clearProperty(keys[i]);
				}
			}
		}
	}

	@Test
	void nonProxyHostPatternsMatchWholeHostsWithWildcards() {
		assertThat(matches("*.corp.example", "llm.corp.example")).isTrue();
		assertThat(matches("*.corp.example", "corp.example.org")).isFalse();
		assertThat(matches("10.*", "10.1.2.3")).isTrue();
		assertThat(matches("10.*", "110.1.2.3")).isFalse();
		assertThat(matches("LocalHost", "localhost")).isTrue();
		assertThat(matches("llm-?.corp", "llm-1.corp")).as("only * is a wildcard").isFalse();
	}

	private static boolean matches(String pattern, String host) {
		return ProxyRoutePlanner.hostPattern(pattern).matcher(host).matches();
	}

	private static LlmClientBuilder http() {
		return TestClients.lazy(httpServer.endpoint()).retry((retry) -> retry.withEnabled(false));
	}

	private static LlmClientBuilder https() {
		return TestClients.lazy(httpsServer.endpoint())
			.retry((retry) -> retry.withEnabled(false))
			.ssl((ssl) -> ssl.withSslContext(TestCertificates.get().clientContext(false)));
	}

}
