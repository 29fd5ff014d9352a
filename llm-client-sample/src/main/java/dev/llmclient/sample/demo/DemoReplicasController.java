package dev.llmclient.sample.demo;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /demo/replicas}: each demo replica's URL and whether it is up; {@code POST
 * /demo/replicas/{i}/down} stops one, {@code POST /demo/replicas/{i}/up} starts it again
 * on its port.
 */
@RestController
@Conditional(NoEndpointCondition.class)
@ConditionalOnExpression("${sample.demo.replicas:1} > 1")
class DemoReplicasController {

	private final DemoReplicas replicas;

	DemoReplicasController(DemoReplicas replicas) {
		this.replicas = replicas;
	}

	@GetMapping("/demo/replicas")
	List<Map<String, Object>> list() {
		List<String> urls = this.replicas.baseUrls();
		List<Boolean> up = this.replicas.up();
		return IntStream.range(0, urls.size())
			.mapToObj((i) -> Map.<String, Object>of("index", i, "url", urls.get(i), "up", up.get(i)))
			.toList();
	}

	@PostMapping("/demo/replicas/{index}/down")
	List<Map<String, Object>> down(@PathVariable int index) {
		this.replicas.down(index);
		return list();
	}

	@PostMapping("/demo/replicas/{index}/up")
	List<Map<String, Object>> up(@PathVariable int index) {
		this.replicas.up(index);
		return list();
	}

}
