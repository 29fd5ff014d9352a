package dev.llmclient.autoconfigure;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.internal.DefaultLlmClient;
import dev.llmclient.testsupport.TestCertificates;
import dev.llmclient.testsupport.TlsLlmServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code llm.client.ssl.bundle} against real https servers on loopback whose certificates
 * come from a private CA made by the test: one accepting any client, one asking for a
 * client certificate (mutual TLS).
 */
class LlmClientSslBundleTests {

	private static final TestCertificates certificates = TestCertificates.get();

	private static TlsLlmServer server;

	private static TlsLlmServer mutualTlsServer;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, RestClientAutoConfiguration.class,
				LlmClientAutoConfiguration.class))
		.withPropertyValues("llm.client.eager-init=false", "llm.client.model=m", "llm.client.retry.enabled=false",
				// the internal CA, as a PEM file: the usual way a private CA is handed
				// out
				"spring.ssl.bundle.pem.internal-ca.truststore.certificate=file:" + certificates.caPem(),
				// a client certificate in a key store, with the same CA's trust
				"spring.ssl.bundle.jks.client-cert.keystore.location=file:" + certificates.clientKeyStore(),
				"spring.ssl.bundle.jks.client-cert.keystore.password=" + TestCertificates.PASSWORD,
				"spring.ssl.bundle.jks.client-cert.keystore.type=PKCS12",
				"spring.ssl.bundle.jks.client-cert.truststore.location=file:" + certificates.trustStore(),
				"spring.ssl.bundle.jks.client-cert.truststore.password=" + TestCertificates.PASSWORD,
				"spring.ssl.bundle.jks.client-cert.truststore.type=PKCS12");

	@BeforeAll
	static void startServers() {
		server = TlsLlmServer.start();
		mutualTlsServer = TlsLlmServer.startRequiringClientCertificate();
	}

	@AfterAll
	static void stopServers() {
		server.close();
		mutualTlsServer.close();
	}

	@Test
	void withoutBundleAPrivateCaFailsWithATlsErrorNamingTheProperty() {
		int before = server.chatRequests();
		this.contextRunner.withPropertyValues("llm.client.endpoint=" + server.endpoint()).run((context) -> {
			LlmConnectionException failure = catchThrowableOfType(LlmConnectionException.class,
					() -> context.getBean(LlmClient.class).generate("Hi"));
			assertThat(failure).hasMessageStartingWith("TLS failure talking to " + server.endpoint())
				.hasMessageContaining("configure llm.client.ssl.bundle with an SSL bundle that trusts that CA");
			assertThat(failure.isRetryable()).isFalse();
			assertThat(server.chatRequests()).isEqualTo(before);
		});
	}

	@Test
	void bundleTrustsThePrivateCa() {
		int before = server.chatRequests();
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + server.endpoint(), "llm.client.ssl.bundle=internal-ca")
			.run((context) -> {
				assertThat(context.getBean(LlmClient.class).generate("Hi")).isEqualTo("Hello over TLS");
				assertThat(context.getBean(DefaultLlmClient.class).settings().ssl().bundle()).isEqualTo("internal-ca");
			});
		assertThat(server.chatRequests()).isEqualTo(before + 1);
	}

	@Test
	void mutualTlsNeedsTheBundlesClientCertificate() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + mutualTlsServer.endpoint(),
					"llm.client.ssl.bundle=internal-ca")
			.run((context) -> {
				LlmConnectionException failure = catchThrowableOfType(LlmConnectionException.class,
						() -> context.getBean(LlmClient.class).generate("Hi"));
				// a TLS alert, or (TLS 1.3) a connection ended after the handshake
				assertThat(failure).hasMessageContaining(mutualTlsServer.endpoint())
					.hasMessageContaining("SSL bundle 'internal-ca' (llm.client.ssl.bundle)")
					.hasMessageContaining("mutual TLS");
				assertThat(mutualTlsServer.chatRequests()).isZero();
			});
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + mutualTlsServer.endpoint(),
					"llm.client.ssl.bundle=client-cert")
			.run((context) -> assertThat(context.getBean(LlmClient.class).generate("Hi")).isEqualTo("Hello over TLS"));
		assertThat(mutualTlsServer.chatRequests()).isOne();
		assertThat(mutualTlsServer.clients()).containsExactly("CN=llm-client");
	}

	@Test
	void bundleOptionsChooseTheProtocol() {
		server.protocols().clear();
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + server.endpoint(), "llm.client.ssl.bundle=internal-ca",
					"spring.ssl.bundle.pem.internal-ca.options.enabled-protocols=TLSv1.2")
			.run((context) -> {
				assertThat(context.getBean(DefaultLlmClient.class).settings().ssl().protocols())
					.containsExactly("TLSv1.2");
				context.getBean(LlmClient.class).generate("Hi");
			});
		assertThat(server.protocols()).containsExactly("TLSv1.2");
	}

	@Test
	void unknownBundleFailsStartUpNamingBothKeys() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + server.endpoint(), "llm.client.ssl.bundle=internal_ca")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new LlmClientPropertiesFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("'internal_ca'", "llm.client.ssl.bundle", "spring.ssl.bundle", "there are: ")
					.contains("client-cert", "internal-ca");
				assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem.internal_ca",
						"spring.ssl.bundle.jks.internal_ca", "llm.client.ssl.bundle");
			});
	}

}
