package dev.llmclient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package structure the guide describes, read from the sources' imports: no package
 * cycle, except the one documented seam (the builder hands itself to
 * {@code internal.DefaultLlmClient} and takes an observation convention), and the
 * implementation stays out of the API package.
 */
class PackageDependencyTests {

	private static final Path SOURCES = Path.of("src/main/java");

	private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

	private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(dev\\.llmclient[\\w.]*?)\\.[A-Z]",
			Pattern.MULTILINE);

	/** Edges of the documented seam: the builder, and only the builder, names them. */
	private static final Set<String> SEAM = Set.of("dev.llmclient -> dev.llmclient.internal",
			"dev.llmclient -> dev.llmclient.observation");

	@Test
	void packagesHaveNoCycleBesidesTheBuilderSeam() throws IOException {
		Map<String, Set<String>> graph = new TreeMap<>();
		try (Stream<Path> files = Files.walk(SOURCES)) {
			files.filter((file) -> file.toString().endsWith(".java")).forEach((file) -> {
				String source = read(file);
				Matcher pkg = PACKAGE.matcher(source);
				if (!pkg.find()) {
					return;
				}
				String from = pkg.group(1);
				Matcher imports = IMPORT.matcher(source);
				while (imports.find()) {
					String to = imports.group(1);
					boolean seam = SEAM.contains(from + " -> " + to)
							&& file.getFileName().toString().equals("LlmClientBuilder.java");
					if (!to.equals(from) && !seam) {
						graph.computeIfAbsent(from, (key) -> new TreeSet<>()).add(to);
					}
				}
			});
		}
		assertThat(graph).as("sources read").containsKey("dev.llmclient.internal.call");
		List<String> cycles = new ArrayList<>();
		for (String start : graph.keySet()) {
			List<String> cycle = cycleThrough(start, graph);
			if (cycle != null) {
				cycles.add(String.join(" -> ", cycle));
			}
		}
		assertThat(cycles).as("package cycles").isEmpty();
	}

	@Test
	void apiPackageHoldsNoImplementation() throws IOException {
		try (Stream<Path> files = Files.list(SOURCES.resolve("dev/llmclient"))) {
			assertThat(files.map((file) -> file.getFileName().toString()))
				.as("implementation lives in dev.llmclient.internal")
				.noneMatch((name) -> name.equals("StructuredJson.java") || name.startsWith("Default"));
		}
	}

	/** A path from {@code start} back to itself, or {@code null}. */
	private static List<String> cycleThrough(String start, Map<String, Set<String>> graph) {
		Deque<List<String>> paths = new ArrayDeque<>();
		paths.add(List.of(start));
		Set<String> seen = new TreeSet<>();
		while (!paths.isEmpty()) {
			List<String> path = paths.poll();
			for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
				List<String> longer = new ArrayList<>(path);
				longer.add(next);
				if (next.equals(start)) {
					return longer;
				}
				if (seen.add(next)) {
					paths.add(longer);
				}
			}
		}
		return null;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
