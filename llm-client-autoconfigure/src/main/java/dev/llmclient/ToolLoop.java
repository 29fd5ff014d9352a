package dev.llmclient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import dev.llmclient.internal.json.StructuredJson;

/**
 * Runs a conversation with tools to its end: sends the request with the loop's tools,
 * runs the Java function of every tool call the model asks for, sends the results back,
 * and repeats until the model answers in text.
 * <p>
 * The request's {@link ToolChoice} applies to the first round only when it forces a tool
 * ({@link ToolChoice#REQUIRED} or {@link ToolChoice#function(String)}): the later rounds
 * send {@link ToolChoice#AUTO}, so that the model can answer once it has the tools'
 * results. A request without a choice sends none in any round; {@code auto} and
 * {@code none} are sent in every round.
 * <p>
 * Each round is one ordinary call of the client (same bulkhead, retries, metrics and
 * health); the tools run on the calling thread between calls, holding no permit. What
 * goes wrong with a tool call is answered to the model as a tool error message
 * ({@code {"error": "..."}}), so it can correct itself, and is marked in the result: a
 * tool name the loop does not know, arguments that are not JSON or do not fit the tool's
 * record (the message says what does not fit), and a tool that throws. Of a tool that
 * throws the model learns only {@code the tool '<name>' failed}: an exception's message
 * and class may name hosts, queries or personal data the application never meant to send
 * to the provider. The exception stays with the application, in
 * {@link Execution#exception()} and logged at DEBUG;
 * {@link Builder#sendExceptionMessages} sends its class and message too. A model that
 * still asks for tools after {@code maxRounds} calls ends the loop with
 * {@link LlmToolLoopException}.
 * <p>
 * A loop is immutable and thread-safe if its tools are; build it once and run it for many
 * requests.
 *
 * <pre>{@code
 * record Zone(String zone) {}
 * ToolLoop loop = ToolLoop.builder(client)
 *     .tool("current_time", "Current time in an IANA zone", Zone.class,
 *             (args) -> ZonedDateTime.now(ZoneId.of(args.zone())).toString())
 *     .build();
 * ToolLoop.Result result = loop.run(ChatRequest.of("What time is it in Tokyo?"));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ToolLoop {

	/** Rounds a loop allows unless told otherwise. */
	public static final int DEFAULT_MAX_ROUNDS = 8;

	private static final Log logger = LogFactory.getLog(ToolLoop.class);

	private final LlmClient client;

	private final Map<String, Tool<?>> tools;

	private final List<ToolDefinition> definitions;

	private final int maxRounds;

	private final boolean sendExceptionMessages;

	private ToolLoop(Builder builder) {
		this.client = builder.client;
		this.tools = Map.copyOf(builder.tools);
		this.definitions = builder.tools.values().stream().map(Tool::definition).toList();
		this.maxRounds = builder.maxRounds;
		this.sendExceptionMessages = builder.sendExceptionMessages;
	}

	/**
	 * Starts building a loop over a client.
	 * @param client the client every round goes through
	 * @return a new builder
	 */
	public static Builder builder(LlmClient client) {
		return new Builder(Objects.requireNonNull(client, "client must not be null"));
	}

	/**
	 * Runs the conversation until the model answers in text.
	 * @param request the request; the loop's tools are added to its own
	 * @return the answer, the tool calls run, and the whole conversation
	 * @throws LlmToolLoopException when the model still asks for tools after
	 * {@code maxRounds} calls
	 * @throws LlmClientException (or another subtype) when a call fails
	 * @throws IllegalArgumentException when the request is invalid, for example when it
	 * defines a tool of the same name as one of the loop's
	 */
	public Result run(ChatRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		List<ChatMessage> conversation = new ArrayList<>(request.messages());
		List<Execution> executions = new ArrayList<>();
		ChatRequest round = withMessages(request, conversation, request.toolChoice());
		ToolChoice laterChoice = afterFirstRound(request.toolChoice());
		Usage usage = null;
		Cost cost = null;
		for (int rounds = 1;; rounds++) {
			ChatResponse response = this.client.chat(round);
			usage = (usage != null) ? usage.plus(response.usage()) : response.usage();
			cost = (cost != null) ? cost.plus(response.cost().orElse(null)) : response.cost().orElse(null);
			if (!response.hasToolCalls()) {
				return new Result(response, executions, conversation, rounds, usage, Optional.ofNullable(cost));
			}
			conversation.add(ChatMessage.assistant(response.content().isEmpty() ? null : response.content(),
					response.toolCalls()));
			for (ToolCall call : response.toolCalls()) {
				Execution execution = execute(call);
				executions.add(execution);
				conversation.add(ChatMessage.toolResult(call.id(), execution.result()));
			}
			if (rounds >= this.maxRounds) {
				throw new LlmToolLoopException(
						"The model still asked for tool calls after " + rounds + " rounds (maxRounds " + this.maxRounds
								+ "), last for " + response.toolCalls().stream().map(ToolCall::name).toList()
								+ ": raise maxRounds, or check that the tools' results answer what the model asks",
						executions, conversation);
			}
			round = withMessages(request, conversation, laterChoice);
		}
	}

	/**
	 * The tool choice of the rounds after the first: one that forces a tool call
	 * ({@code required} or a named function) would force it in every round, so the loop
	 * could never end; from the second round on the model chooses ({@code auto}, what the
	 * API assumes when tools are present, sent explicitly as the request already sends a
	 * choice). No choice, {@code auto} and {@code none} stay as they are.
	 */
	private static ToolChoice afterFirstRound(ToolChoice choice) {
		boolean forcing = choice != null && ("required".equals(choice.mode()) || "function".equals(choice.mode()));
		return forcing ? ToolChoice.AUTO : choice;
	}

	/** The request with the loop's tools added and the conversation so far. */
	private ChatRequest withMessages(ChatRequest request, List<ChatMessage> conversation, ToolChoice toolChoice) {
		return new ChatRequest(request.model(), conversation, request.temperature(), request.maxTokens(),
				request.topP(), request.stop(), request.extra(), concat(request.tools(), this.definitions), toolChoice,
				request.parallelToolCalls(), request.responseFormat(), request.requestClass(),
				request.promptCacheKey());
	}

	private static List<ToolDefinition> concat(List<ToolDefinition> first, List<ToolDefinition> second) {
		List<ToolDefinition> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	private Execution execute(ToolCall call) {
		Tool<?> tool = this.tools.get(call.name());
		if (tool == null) {
			return Execution.failed(call, "unknown tool '" + call.name() + "'; the tools are "
					+ this.tools.keySet().stream().sorted().toList(), null);
		}
		return execute(tool, call);
	}

	private <A> Execution execute(Tool<A> tool, ToolCall call) {
		A arguments;
		try {
			arguments = tool.arguments().apply(call);
		}
		catch (LlmStructuredOutputException ex) {
			return argumentsDoNotFit(call, ex);
		}
		Object value;
		try {
			value = tool.function().apply(arguments);
		}
		catch (RuntimeException ex) {
			if (ex instanceof LlmStructuredOutputException structured && isAbout(structured, call)) {
				return argumentsDoNotFit(call, structured);
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Tool '" + call.name() + "' (call " + call.id() + ") threw; the model is told "
						+ (this.sendExceptionMessages ? "its class and message" : "only that it failed"), ex);
			}
			String reason = "the tool '" + call.name() + "' failed";
			if (this.sendExceptionMessages) {
				reason += ": " + ex.getClass().getSimpleName()
						+ ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
			}
			return Execution.failed(call, reason, ex);
		}
		return new Execution(call, text(value), false, null);
	}

	/**
	 * Whether a structured-output failure is about the call's own arguments (a tool of
	 * one's own definition reading them with {@link ToolCall#argumentsTree()} or
	 * {@link ToolCall#argumentsAs(Class)}) rather than, say, a structured call the tool
	 * made itself, whose text must not go to the model.
	 */
	private static boolean isAbout(LlmStructuredOutputException ex, ToolCall call) {
		return Objects.equals(ex.rawText(), call.arguments().isBlank() ? "{}" : call.arguments());
	}

	private static Execution argumentsDoNotFit(ToolCall call, LlmStructuredOutputException ex) {
		return Execution.failed(call, "arguments do not fit the tool's parameters: " + ex.getMessage(), ex);
	}

	/** A tool's value as the text of a tool message: a string as it is, else JSON. */
	private static String text(Object value) {
		if (value instanceof String string) {
			return string;
		}
		try {
			return StructuredJson.MAPPER.writeValueAsString(value);
		}
		catch (JacksonException ex) {
			return String.valueOf(value);
		}
	}

	/**
	 * A tool: its definition, how a call's arguments are read (failing with
	 * {@link LlmStructuredOutputException} when they do not fit), and the function run on
	 * them. Kept apart so that what the function throws is never taken for the model's
	 * mistake.
	 */
	private record Tool<A>(ToolDefinition definition, Function<ToolCall, A> arguments, Function<A, ?> function) {

	}

	/**
	 * Builds a {@link ToolLoop}.
	 */
	public static final class Builder {

		private final LlmClient client;

		private final Map<String, Tool<?>> tools = new LinkedHashMap<>();

		private int maxRounds = DEFAULT_MAX_ROUNDS;

		private boolean sendExceptionMessages;

		private Builder(LlmClient client) {
			this.client = client;
		}

		/**
		 * Adds a tool whose arguments are a record: its strict schema is sent, and each
		 * call's arguments are read into it before the function runs.
		 * @param name the tool's name, 1 to 64 of {@code [A-Za-z0-9_-]}
		 * @param description what it does and when to call it
		 * @param argumentsType a record type
		 * @param function runs the tool; a {@code String} is sent as it is, anything else
		 * as JSON
		 * @param <A> the arguments' type
		 * @return this builder
		 * @throws IllegalArgumentException naming what is invalid
		 */
		public <A> Builder tool(String name, String description, Class<A> argumentsType, Function<A, ?> function) {
			Objects.requireNonNull(function, "function must not be null");
			return add(new Tool<>(ToolDefinition.of(name, description, argumentsType),
					(call) -> call.argumentsAs(argumentsType), function));
		}

		/**
		 * Adds a tool of one's own definition; the function reads the raw call (for
		 * example with {@link ToolCall#argumentsTree()}); what those methods throw about
		 * the call's arguments is answered to the model as arguments that do not fit.
		 * @param definition the definition sent to the model
		 * @param function runs the tool; a {@code String} is sent as it is, anything else
		 * as JSON
		 * @return this builder
		 * @throws IllegalArgumentException when a tool of that name was added already
		 */
		public Builder tool(ToolDefinition definition, Function<ToolCall, ?> function) {
			Objects.requireNonNull(definition, "definition must not be null");
			Objects.requireNonNull(function, "function must not be null");
			return add(new Tool<>(definition, Function.identity(), function));
		}

		private Builder add(Tool<?> tool) {
			String name = tool.definition().name();
			if (this.tools.putIfAbsent(name, tool) != null) {
				throw new IllegalArgumentException("ToolLoop already has a tool named '" + name + "'");
			}
			return this;
		}

		/**
		 * Sets how many calls a run makes at most.
		 * @param maxRounds at least 1; {@value ToolLoop#DEFAULT_MAX_ROUNDS} by default
		 * @return this builder
		 */
		public Builder maxRounds(int maxRounds) {
			if (maxRounds < 1) {
				throw new IllegalArgumentException("ToolLoop maxRounds must be at least 1, was " + maxRounds);
			}
			this.maxRounds = maxRounds;
			return this;
		}

		/**
		 * Sets whether the model is told the class and message of an exception a tool
		 * throws ({@code the tool 'x' failed: IllegalStateException: ...}) rather than
		 * only {@code the tool 'x' failed}. Turn it on only for tools whose exception
		 * messages are written for the model: a message may carry host names, queries or
		 * personal data, and it goes to the provider.
		 * @param sendExceptionMessages whether to send them; {@code false} by default
		 * @return this builder
		 * @since 0.1.0
		 */
		public Builder sendExceptionMessages(boolean sendExceptionMessages) {
			this.sendExceptionMessages = sendExceptionMessages;
			return this;
		}

		/**
		 * Builds the loop.
		 * @return the loop
		 * @throws IllegalArgumentException when it has no tool
		 */
		public ToolLoop build() {
			if (this.tools.isEmpty()) {
				throw new IllegalArgumentException("ToolLoop needs at least one tool: call tool(...) before build()");
			}
			return new ToolLoop(this);
		}

	}

	/**
	 * The end of a run.
	 *
	 * @param response the model's final answer, in text
	 * @param executions the tool calls run, in order
	 * @param conversation every message sent, the tools' results included, without the
	 * final answer
	 * @param rounds calls made
	 * @param usage the usage of every round summed by the rule of {@link Usage#plus}
	 * (where the final {@code response.usage()} is the last round's only), or
	 * {@code null} when no round reported usage
	 * @param cost what every round cost together; empty when no round was priced
	 * @since 0.1.0
	 */
	public record Result(ChatResponse response, List<Execution> executions, List<ChatMessage> conversation, int rounds,
			Usage usage, Optional<Cost> cost) {

		/**
		 * Creates a result.
		 */
		public Result {
			executions = List.copyOf(executions);
			conversation = List.copyOf(conversation);
			cost = (cost != null) ? cost : Optional.empty();
		}

		/**
		 * Creates the result of a run whose usage and cost are the final response's.
		 * @param response the model's final answer
		 * @param executions the tool calls run
		 * @param conversation every message sent
		 * @param rounds calls made
		 */
		public Result(ChatResponse response, List<Execution> executions, List<ChatMessage> conversation, int rounds) {
			this(response, executions, conversation, rounds, response.usage(), response.cost());
		}

	}

	/**
	 * One tool call run by the loop.
	 *
	 * @param call the call the model asked for
	 * @param result what was sent back: the tool's value, or {@code {"error": "..."}}
	 * @param error whether the call failed (unknown tool, arguments that do not fit, a
	 * tool that threw)
	 * @param exception what the tool threw, or the {@link LlmStructuredOutputException}
	 * of arguments that do not fit; {@code null} when the call succeeded or named an
	 * unknown tool. It is the application's to log or rethrow: the model is sent only
	 * what {@code result} says
	 * @since 0.1.0
	 */
	public record Execution(ToolCall call, String result, boolean error, RuntimeException exception) {

		static Execution failed(ToolCall call, String reason, RuntimeException exception) {
			return new Execution(call, text(Map.of("error", reason)), true, exception);
		}

	}

}
