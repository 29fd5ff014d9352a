package dev.llmclient.testsupport;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * WireMock for tests: bound to {@code 127.0.0.1} on a free port, started and stopped by
 * JUnit.
 */
public final class LoopbackWireMock {

	private LoopbackWireMock() {
	}

	/**
	 * Creates the extension; register it with
	 * {@code @RegisterExtension static WireMockExtension server = LoopbackWireMock.extension();}.
	 * @return a new extension
	 */
	public static WireMockExtension extension() {
		return WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();
	}

}
