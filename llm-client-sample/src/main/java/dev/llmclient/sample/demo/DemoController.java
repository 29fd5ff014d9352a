package dev.llmclient.sample.demo;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /api/demo} and {@code PUT /api/demo}: read and turn the demo backend's
 * {@link DemoControls} while the sample runs (the web console's "Demo backend" box).
 * Answers {@code 404} unless a demo backend (or its replicas) runs, which tells a page
 * that the sample talks to a real server: absent when {@code llm.client.endpoint} or
 * {@code llm.client.endpoints} is set, and answering 404 when the application supplies
 * connection details of its own.
 */
@RestController
@Conditional(NoEndpointCondition.class)
class DemoController {

	private final DemoControls controls;

	private final ObjectProvider<DemoBackend> backend;

	private final ObjectProvider<DemoReplicas> replicas;

	DemoController(DemoControls controls, ObjectProvider<DemoBackend> backend, ObjectProvider<DemoReplicas> replicas) {
		this.controls = controls;
		this.backend = backend;
		this.replicas = replicas;
	}

	@GetMapping("/api/demo")
	Settings settings() {
		requireDemo();
		return new Settings(this.controls.tokenDelay().toMillis(), this.controls.failStatus(),
				this.controls.flexUnavailable(), this.controls.batchPhase().toMillis());
	}

	@PutMapping("/api/demo")
	Settings change(@RequestBody Settings change) {
		requireDemo();
		if (change.tokenDelayMs() != null) {
			this.controls.setTokenDelay(Duration.ofMillis(change.tokenDelayMs()));
		}
		if (change.failStatus() != null) {
			this.controls.setFailStatus(change.failStatus());
		}
		if (change.flexUnavailable() != null) {
			this.controls.setFlexUnavailable(change.flexUnavailable());
		}
		if (change.batchPhaseMs() != null) {
			this.controls.setBatchPhase(Duration.ofMillis(change.batchPhaseMs()));
		}
		return settings();
	}

	private void requireDemo() {
		if (this.backend.getIfAvailable() == null && this.replicas.getIfAvailable() == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND,
					"No demo backend: the client calls the server of the application's LlmClientConnectionDetails");
		}
	}

	/**
	 * The demo's knobs; in a change, an absent field is left as it is.
	 *
	 * @param tokenDelayMs time per generated token, in milliseconds
	 * @param failStatus HTTP status every chat completion fails with, 0 for none
	 * @param flexUnavailable whether requests for the flex service tier are refused with
	 * OpenAI's 429 "resource unavailable"
	 * @param batchPhaseMs time each phase of a batch job takes, in milliseconds
	 */
	record Settings(Long tokenDelayMs, Integer failStatus, Boolean flexUnavailable, Long batchPhaseMs) {
	}

}
