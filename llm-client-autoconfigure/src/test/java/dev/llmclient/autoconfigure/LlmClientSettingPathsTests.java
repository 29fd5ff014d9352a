package dev.llmclient.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;

import dev.llmclient.LlmClientSettingException;
import dev.llmclient.LlmClientSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every setting a message names, through {@link LlmClientSettingException} or
 * {@link LlmClientSettings#property(String)}, is a property of the configuration metadata
 * that IDEs complete: a misspelt path in a message sends the user looking for a key that
 * does not exist.
 * <p>
 * The paths are read from the main sources, not from a list kept by hand: every call of
 * those two, and of every method or constructor that hands a {@code String} parameter
 * named {@code setting} or {@code ...Path} on to them, has its path argument evaluated:
 * string literals, concatenations, conditionals and local {@code String} variables of the
 * same file; an index such as {@code "endpoints[" + i + "]"} counts as any index. A path
 * it cannot evaluate shows up as {@code <expression>} and fails the test.
 */
class LlmClientSettingPathsTests {

	private static final Path SOURCES = Path.of("src/main/java");

	private static final String PREFIX = "llm.client.";

	/**
	 * Named only when plain Java gives the builder a bad client name or a {@code null}
	 * record; the auto-configuration always sets them.
	 */
	private static final Set<String> BUILDER_ONLY = Set.of("name", "connection", "limits", "lifecycle", "embeddings");

	@Test
	void everyPathAMessageNamesIsAConfigurationProperty() throws IOException {
		Map<String, Set<String>> paths = SettingPaths.in(SOURCES);
		assertThat(paths).as("paths read from the sources")
			.containsKeys("max-concurrent", "retry.max-attempts", "health.probe.ttl", "warm-up.fail-fast",
					"proxy.password", "cluster.lease-ttl", "endpoint", "endpoints[*].url", "endpoints[*].api-key",
					"api-key")
			.containsKeys(BUILDER_ONLY.toArray(String[]::new));
		Metadata metadata = Metadata.fromClasspath();
		List<String> unknown = paths.entrySet()
			.stream()
			.filter((entry) -> !BUILDER_ONLY.contains(entry.getKey()) && !metadata.has(entry.getKey()))
			.map((entry) -> PREFIX + entry.getKey() + " named at " + entry.getValue())
			.toList();
		assertThat(unknown).as("paths named in messages but missing from the configuration metadata").isEmpty();
	}

	/** The property paths the main sources name in messages, and where. */
	private static final class SettingPaths {

		/** The name of a {@code String} parameter that carries a property path. */
		private static final Pattern PATH_PARAMETER = Pattern.compile("setting|\\w+Path");

		private static final Pattern DECLARATION = Pattern.compile("\\b(\\w+)\\s*\\(([^()]*)\\)\\s*(?:\\{|throws\\b)");

		private static final Pattern PARAMETER = Pattern
			.compile("(?:final\\s+)?(?:@\\w+\\s+)*([\\w.]+(?:<.*>)?(?:\\[]|\\.\\.\\.)*)\\s+(\\w+)", Pattern.DOTALL);

		private static final char MARK = '\u0000';

		private final Map<String, String> sources = new TreeMap<>();

		/** Name of a method or constructor, to the positions of its path arguments. */
		private final Map<String, Set<List<Integer>>> sinks = new HashMap<>();

		private final Map<String, Set<String>> paths = new TreeMap<>();

		static Map<String, Set<String>> in(Path root) throws IOException {
			assertThat(root).isDirectory();
			SettingPaths scan = new SettingPaths();
			try (Stream<Path> files = Files.walk(root)) {
				for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
					scan.sources.put(file.getFileName().toString(), withoutComments(Files.readString(file)));
				}
			}
			scan.sink("LlmClientSettingException", 0, 3);
			scan.sink("property", 0, 1);
			scan.sources.values().forEach(scan::findSinks);
			scan.sources.forEach(scan::findPaths);
			return scan.paths;
		}

		private void sink(String name, int index, int arity) {
			this.sinks.computeIfAbsent(name, (key) -> new HashSet<>()).add(List.of(index, arity));
		}

		/** Methods and constructors with a parameter that carries a path. */
		private void findSinks(String source) {
			Matcher declaration = DECLARATION.matcher(source);
			while (declaration.find()) {
				List<String> parameters = split(declaration.group(2), ',', true);
				if (!parameters.stream().allMatch((parameter) -> PARAMETER.matcher(parameter.strip()).matches())) {
					continue;
				}
				for (int i = 0; i < parameters.size(); i++) {
					Matcher parameter = PARAMETER.matcher(parameters.get(i).strip());
					if (parameter.matches() && parameter.group(1).equals("String")
							&& PATH_PARAMETER.matcher(parameter.group(2)).matches()) {
						sink(declaration.group(1), i, parameters.size());
					}
				}
			}
		}

		private void findPaths(String file, String source) {
			String type = file.substring(0, file.length() - ".java".length());
			for (Map.Entry<String, Set<List<Integer>>> sink : this.sinks.entrySet()) {
				String name = sink.getKey().equals(type) ? "(?:" + type + "|this)" : sink.getKey();
				Matcher call = Pattern.compile("\\b" + name + "\\s*\\(").matcher(source);
				while (call.find()) {
					String list = source.substring(call.end(), closing(source, call.end() - 1));
					List<String> arguments = list.isBlank() ? List.of() : split(list, ',', false);
					if (arguments.stream().allMatch((argument) -> PARAMETER.matcher(argument.strip()).matches())) {
						continue; // the declaration
					}
					String where = file + ":" + line(source, call.start());
					for (List<Integer> position : sink.getValue()) {
						if (arguments.size() == position.get(1)) {
							for (String path : evaluate(arguments.get(position.get(0)), source)) {
								this.paths.computeIfAbsent(path, (key) -> new TreeSet<>()).add(where);
							}
						}
					}
				}
			}
		}

		/**
		 * The paths an expression can be, none when it is a path parameter handed on (its
		 * callers are read instead).
		 */
		private Set<String> evaluate(String expression, String source) {
			Set<String> marked = marked(expression, source);
			Set<String> paths = new LinkedHashSet<>();
			for (String path : marked) {
				paths.add(path.replaceAll("\\[" + MARK + "[^" + MARK + "]*" + MARK + "]", "[*]")
					.replaceAll(MARK + "([^" + MARK + "]*)" + MARK, "<$1>"));
			}
			return paths;
		}

		private Set<String> marked(String expression, String source) {
			String text = unwrap(expression.strip());
			List<String> condition = split(text, '?', false);
			if (condition.size() == 2) {
				List<String> branches = split(condition.get(1), ':', false);
				Set<String> both = new LinkedHashSet<>(marked(branches.get(0), source));
				both.addAll(marked(String.join(":", branches.subList(1, branches.size())), source));
				return both;
			}
			List<String> parts = split(text, '+', false);
			Set<String> results = Set.of("");
			for (String part : parts) {
				String term = unwrap(part.strip());
				Set<String> values;
				if (term.matches("\"(?:[^\"\\\\]|\\\\.)*\"")) {
					values = Set.of(term.substring(1, term.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\"));
				}
				else {
					String variable = term.replaceFirst("^this\\.", "");
					List<String> definitions = definitions(variable, source);
					if (definitions.size() == 1) {
						values = marked(definitions.get(0), source);
					}
					else if (definitions.isEmpty() && parts.size() == 1 && PATH_PARAMETER.matcher(variable).matches()) {
						return Collections.emptySet();
					}
					else {
						values = Set.of(MARK + term + MARK);
					}
				}
				Set<String> next = new LinkedHashSet<>();
				results.forEach((prefix) -> values.forEach((value) -> next.add(prefix + value)));
				results = next;
			}
			return results;
		}

		/** The initial values of {@code String} variables or fields of that name. */
		private static List<String> definitions(String variable, String source) {
			if (!variable.matches("\\w+")) {
				return List.of();
			}
			List<String> definitions = new ArrayList<>();
			Matcher definition = Pattern.compile("\\bString\\s+" + variable + "\\s*=").matcher(source);
			while (definition.find()) {
				definitions.add(split(source.substring(definition.end()), ';', false).get(0));
			}
			return definitions;
		}

		private static String unwrap(String text) {
			while (text.startsWith("(") && closing(text, 0) == text.length() - 1) {
				text = text.substring(1, text.length() - 1).strip();
			}
			return text;
		}

		/** The position of the bracket that closes the one at {@code open}. */
		private static int closing(String text, int open) {
			int depth = 0;
			for (int i = open; i < text.length(); i++) {
				char c = text.charAt(i);
				if (c == '"' || c == '\'') {
					i = endOfLiteral(text, i);
				}
				else if (c == '(' || c == '[' || c == '{') {
					depth++;
				}
				else if ((c == ')' || c == ']' || c == '}') && --depth == 0) {
					return i;
				}
			}
			throw new IllegalStateException("Unbalanced brackets in " + text);
		}

		/**
		 * Splits at the separator outside literals and brackets (and, for parameter
		 * lists, angle brackets), up to the end of the text or the first unopened closing
		 * bracket.
		 */
		private static List<String> split(String text, char separator, boolean angles) {
			List<String> parts = new ArrayList<>();
			int depth = 0;
			int start = 0;
			for (int i = 0; i < text.length(); i++) {
				char c = text.charAt(i);
				if (c == '"' || c == '\'') {
					i = endOfLiteral(text, i);
				}
				else if (c == '(' || c == '[' || c == '{' || (angles && c == '<')) {
					depth++;
				}
				else if (c == ')' || c == ']' || c == '}' || (angles && c == '>')) {
					if (--depth < 0) {
						parts.add(text.substring(start, i));
						return parts;
					}
				}
				else if (c == separator && depth == 0) {
					parts.add(text.substring(start, i));
					start = i + 1;
				}
			}
			parts.add(text.substring(start));
			return parts;
		}

		private static int endOfLiteral(String text, int start) {
			char quote = text.charAt(start);
			if (quote == '"' && text.startsWith("\"\"\"", start)) {
				return text.indexOf("\"\"\"", start + 3) + 2;
			}
			for (int i = start + 1; i < text.length(); i++) {
				if (text.charAt(i) == '\\') {
					i++;
				}
				else if (text.charAt(i) == quote) {
					return i;
				}
			}
			throw new IllegalStateException("Unterminated literal in " + text);
		}

		/** The source with its comments blanked out, lines kept. */
		private static String withoutComments(String source) {
			StringBuilder text = new StringBuilder(source);
			for (int i = 0; i < text.length(); i++) {
				char c = text.charAt(i);
				if (c == '"' || c == '\'') {
					i = endOfLiteral(source, i);
				}
				else if (source.startsWith("//", i) || source.startsWith("/*", i)) {
					int end = source.startsWith("//", i) ? source.indexOf('\n', i) : source.indexOf("*/", i + 2) + 2;
					end = (end < 0) ? source.length() : end;
					for (int j = i; j < end; j++) {
						if (text.charAt(j) != '\n') {
							text.setCharAt(j, ' ');
						}
					}
					i = end - 1;
				}
			}
			return text.toString();
		}

		private static int line(String source, int position) {
			return (int) source.substring(0, position).chars().filter((c) -> c == '\n').count() + 1;
		}

	}

	/** The configuration metadata on the classpath, as IDEs read it. */
	private static final class Metadata {

		private static final Pattern INDEXED = Pattern.compile("(.+)\\[\\*]\\.(.+)");

		private static final Pattern LIST = Pattern
			.compile("java\\.util\\.(?:List<|Map<java\\.lang\\.String,\\s*)(.+)>");

		private final Map<String, String> properties = new HashMap<>();

		private final Set<String> groups = new HashSet<>();

		static Metadata fromClasspath() throws IOException {
			Metadata metadata = new Metadata();
			JsonMapper json = JsonMapper.builder().build();
			List<URL> resources = Collections
				.list(Metadata.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"));
			for (URL resource : resources) {
				try (InputStream in = resource.openStream()) {
					JsonNode document = json.readTree(in);
					document.path("properties")
						.forEach((property) -> metadata.properties.put(property.get("name").asString(),
								property.path("type").asString("")));
					document.path("groups").forEach((group) -> metadata.groups.add(group.get("name").asString()));
				}
			}
			assertThat(metadata.properties).as("llm.client metadata on the classpath").containsKey(PREFIX + "endpoint");
			return metadata;
		}

		/**
		 * Whether the path is a property or a group of them, or a property of the
		 * elements of a list.
		 */
		boolean has(String path) {
			if (this.properties.containsKey(PREFIX + path) || this.groups.contains(PREFIX + path)) {
				return true;
			}
			Matcher indexed = INDEXED.matcher(path);
			if (!indexed.matches()) {
				return false;
			}
			Matcher list = LIST.matcher(this.properties.getOrDefault(PREFIX + indexed.group(1), ""));
			if (!list.matches()) {
				return false;
			}
			try {
				return hasProperty(Class.forName(list.group(1)), indexed.group(2));
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException("Metadata names an element type that is not there: " + list.group(1),
						ex);
			}
		}

		/**
		 * Whether the type has the property of this path, such as {@code weight} or
		 * {@code rate-limit.requests-per-minute} (a property of a nested type).
		 */
		private static boolean hasProperty(Class<?> type, String path) {
			int dot = path.indexOf('.');
			String name = (dot < 0) ? path : path.substring(0, dot);
			for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
				if (descriptor.getName()
					.replaceAll("([a-z0-9])([A-Z])", "$1-$2")
					.toLowerCase(Locale.ROOT)
					.equals(name)) {
					return (dot < 0) || hasProperty(descriptor.getPropertyType(), path.substring(dot + 1));
				}
			}
			return false;
		}

	}

}
