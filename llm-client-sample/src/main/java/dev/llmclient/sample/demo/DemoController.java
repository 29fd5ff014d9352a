package dev.llmclient.sample.demo;

import java.time.Duration;

import org.springframework.context.annotation.Conditional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/demo} and {@code PUT /api/demo}: read and turn the demo backend's
 * {@link DemoControls} while the sample runs (the web console's "Demo backend" box).
 * Present only when the demo backend is, so {@code 404} tells a page that the sample
 * talks to a real server.
 */
@RestController
@Conditional(NoEndpointCondition.class)
class DemoController {

	private final DemoControls controls;

	DemoController(DemoControls controls) {
		this.controls = controls;
	}

	@GetMapping("/api/demo")
	Settings settings() {
		return new Settings(this.controls.tokenDelay().toMillis(), this.controls.failStatus());
	}

	@PutMapping("/api/demo")
	Settings change(@RequestBody Settings change) {
		if (change.tokenDelayMs() != null) {
			this.controls.setTokenDelay(Duration.ofMillis(change.tokenDelayMs()));
		}
		if (change.failStatus() != null) {
			this.controls.setFailStatus(change.failStatus());
		}
		return settings();
	}

	/**
	 * The demo's knobs; in a change, an absent field is left as it is.
	 *
	 * @param tokenDelayMs time per generated token, in milliseconds
	 * @param failStatus HTTP status every chat completion fails with, 0 for none
	 */
	record Settings(Long tokenDelayMs, Integer failStatus) {
	}

}
