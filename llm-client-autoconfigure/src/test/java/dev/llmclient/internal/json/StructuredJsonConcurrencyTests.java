package dev.llmclient.internal.json;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Schemas and readers of record types asked for by many threads at once, and the victools
 * generator, which is not thread-safe, used by one thread at a time. Every type here is
 * used by this class only, so that its schema is generated while the threads race.
 */
class StructuredJsonConcurrencyTests {

	enum Priority {

		LOW, HIGH

	}

	@Retention(RetentionPolicy.RUNTIME)
	@interface Nullable {

	}

	record Address(String city, String country) {
	}

	record Line0(String sku, int quantity, Optional<String> note) {
	}

	record Order0(String id, List<Line0> lines, Priority priority, @Nullable Address shipTo) {
	}

	record Line1(String sku, int quantity, Optional<String> note) {
	}

	record Order1(String id, List<Line1> lines, Priority priority, @Nullable Address shipTo) {
	}

	record Line2(String sku, int quantity, Optional<String> note) {
	}

	record Order2(String id, List<Line2> lines, Priority priority, @Nullable Address shipTo) {
	}

	record Line3(String sku, int quantity, Optional<String> note) {
	}

	record Order3(String id, List<Line3> lines, Priority priority, @Nullable Address shipTo) {
	}

	record Line4(String sku, int quantity, Optional<String> note) {
	}

	record Order4(String id, List<Line4> lines, Priority priority, @Nullable Address shipTo) {
	}

	record Line5(String sku, int quantity, Optional<String> note) {
	}

	record Order5(String id, List<Line5> lines, Priority priority, @Nullable Address shipTo) {
	}

	record Line6(String sku, int quantity, Optional<String> note) {
	}

	record Order6(String id, List<Line6> lines, Priority priority, @Nullable Address shipTo) {
	}

	record Line7(String sku, int quantity, Optional<String> note) {
	}

	record Order7(String id, List<Line7> lines, Priority priority, @Nullable Address shipTo) {
	}

	record Case<T>(Class<T> type, T expected) {

		String json(int index) {
			return "{\"id\":\"o" + index + "\",\"lines\":[{\"sku\":\"s" + index + "\",\"quantity\":" + index
					+ ",\"note\":null}],\"priority\":\"HIGH\",\"shipTo\":null}";
		}

	}

	@Test
	void manyThreadsAskingForSchemasAndAnswersOfNewTypesAtOnceGetIdenticalCorrectResults() throws Exception {
		List<Case<?>> cases = List.of(
				new Case<>(Order0.class,
						new Order0("o0", List.of(new Line0("s0", 0, Optional.empty())), Priority.HIGH, null)),
				new Case<>(Order1.class,
						new Order1("o1", List.of(new Line1("s1", 1, Optional.empty())), Priority.HIGH, null)),
				new Case<>(Order2.class,
						new Order2("o2", List.of(new Line2("s2", 2, Optional.empty())), Priority.HIGH, null)),
				new Case<>(Order3.class,
						new Order3("o3", List.of(new Line3("s3", 3, Optional.empty())), Priority.HIGH, null)),
				new Case<>(Order4.class,
						new Order4("o4", List.of(new Line4("s4", 4, Optional.empty())), Priority.HIGH, null)),
				new Case<>(Order5.class,
						new Order5("o5", List.of(new Line5("s5", 5, Optional.empty())), Priority.HIGH, null)),
				new Case<>(Order6.class,
						new Order6("o6", List.of(new Line6("s6", 6, Optional.empty())), Priority.HIGH, null)),
				new Case<>(Order7.class,
						new Order7("o7", List.of(new Line7("s7", 7, Optional.empty())), Priority.HIGH, null)));
		int threads = 16;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		List<List<String>> schemas = new ArrayList<>();
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<List<String>>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int offset = t;
				results.add(executor.submit(() -> {
					assertThat(start.await(10, TimeUnit.SECONDS)).isTrue();
					String[] seen = new String[cases.size()];
					for (int i = 0; i < cases.size(); i++) {
						int index = (i + offset) % cases.size();
						Case<?> c = cases.get(index);
						seen[index] = StructuredJson.schema(c.type()).toString();
						assertThat(StructuredJson.read(c.json(index), c.type(), "answer")).isEqualTo(c.expected());
					}
					return List.of(seen);
				}));
			}
			start.countDown();
			for (Future<List<String>> result : results) {
				schemas.add(result.get(30, TimeUnit.SECONDS));
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(schemas).as("every thread saw the same schemas")
			.allSatisfy((seen) -> assertThat(seen).isEqualTo(schemas.get(0)));
		for (Case<?> c : cases) {
			JsonNode schema = StructuredJson.schema(c.type());
			assertThat(schema.get("required")).extracting(JsonNode::asString)
				.containsExactly("id", "lines", "priority", "shipTo");
			assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
			JsonNode line = schema.get("properties").get("lines").get("items");
			if (line.has("$ref")) {
				line = schema.get("$defs").get(line.get("$ref").asString().substring("#/$defs/".length()));
			}
			assertThat(line.get("required")).extracting(JsonNode::asString).containsExactly("sku", "quantity", "note");
			assertThat(line.get("additionalProperties").asBoolean()).isFalse();
			assertThat(schema.get("properties").get("shipTo").toString()).contains("null");
		}
	}

	/**
	 * Holds the generation of {@link Gated}'s schema inside the generator: victools reads
	 * an enum's constants while generating, which initialises the enum.
	 */
	static final class Gate {

		static final CountDownLatch entered = new CountDownLatch(1);

		static final CountDownLatch release = new CountDownLatch(1);

	}

	enum Held {

		ONE;

		static {
			Gate.entered.countDown();
			try {
				Gate.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	record Gated(Held held) {
	}

	record Other(String name) {
	}

	@Test
	void schemaGeneratorIsNeverUsedByTwoThreadsAtOnce() throws Exception {
		CompletableFuture<JsonNode> gated = CompletableFuture.supplyAsync(() -> StructuredJson.schema(Gated.class),
				(task) -> new Thread(task, "generates-Gated").start());
		try {
			assertThat(Gate.entered.await(10, TimeUnit.SECONDS)).as("generation of Gated started").isTrue();
			CompletableFuture<JsonNode> other = new CompletableFuture<>();
			Thread asking = new Thread(() -> {
				try {
					other.complete(StructuredJson.schema(Other.class));
				}
				catch (Throwable ex) {
					other.completeExceptionally(ex);
				}
			}, "asks-for-Other");
			asking.start();
			// it waits for the generator, or, were the generator shared, ends with
			// Other's
			// schema while Gated's is still being generated
			await().atMost(Duration.ofSeconds(10))
				.until(() -> asking.getState() == Thread.State.WAITING || asking.getState() == Thread.State.TERMINATED);
			assertThat(other).as("Other's schema generated while Gated's generation was in progress").isNotDone();
			Gate.release.countDown();
			assertThat(other.get(10, TimeUnit.SECONDS).get("required")).extracting(JsonNode::asString)
				.containsExactly("name");
		}
		finally {
			Gate.release.countDown();
		}
		assertThat(gated.get(10, TimeUnit.SECONDS).toString()).contains("\"ONE\"");
	}

}
