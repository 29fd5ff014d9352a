package dev.llmclient.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Sample application of the LLM client starter. Without {@code llm.client.endpoint} it
 * answers from a built-in echo model, so it runs with no LLM server.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Starts the application.
	 * @param args command-line arguments, such as {@code --server.port=9090}
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
