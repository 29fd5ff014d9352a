package dev.llmclient.internal.wire;

import java.util.ArrayList;
import java.util.List;

import dev.llmclient.ToolCall;
import dev.llmclient.internal.wire.ChatWire.ToolCallBody;

/**
 * Assembles the tool calls of one streamed answer, for {@link ChatStream}, from the
 * fragments its chunks carry.
 */
final class ToolCallAssembler {

	private final Failures failures;

	/** Tool calls being assembled from their fragments, in the order of their index. */
	private final List<PartialCall> calls = new ArrayList<>();

	ToolCallAssembler(Failures failures) {
		this.failures = failures;
	}

	/** Forgets the fragments of an earlier attempt. */
	void clear() {
		this.calls.clear();
	}

	void append(ToolCallBody fragment) {
		partialCall(fragment).append(fragment);
	}

	/**
	 * The call a fragment continues: the one with its {@code index}; without an index
	 * (some servers send each call whole), a new call when it carries an id of its own,
	 * else the last one.
	 */
	private PartialCall partialCall(ToolCallBody fragment) {
		if (fragment.index() != null) {
			for (PartialCall call : this.calls) {
				if (call.index == fragment.index()) {
					return call;
				}
			}
			return add(new PartialCall(fragment.index()));
		}
		if (this.calls.isEmpty() || (fragment.id() != null && this.calls.get(this.calls.size() - 1).id != null
				&& !fragment.id().equals(this.calls.get(this.calls.size() - 1).id))) {
			return add(new PartialCall(this.calls.size()));
		}
		return this.calls.get(this.calls.size() - 1);
	}

	private PartialCall add(PartialCall call) {
		this.calls.add(call);
		return call;
	}

	/**
	 * The calls assembled.
	 * @throws dev.llmclient.LlmMalformedResponseException when a call has no function
	 * name
	 */
	List<ToolCall> calls() {
		List<ToolCall> assembled = new ArrayList<>(this.calls.size());
		for (PartialCall call : this.calls) {
			if (call.name.isEmpty()) {
				throw this.failures.malformed("a streamed tool call without a function name (index " + call.index
						+ ", arguments " + this.failures.snippet(call.arguments.toString()) + ")", null);
			}
			assembled.add(new ToolCall(ChatCodec.toolCallId(call.id, call.index), call.name.toString(),
					call.arguments.toString()));
		}
		return assembled;
	}

	/**
	 * A tool call being streamed: its id and name arrive in the first fragment (some
	 * servers split the name too), its arguments in pieces.
	 */
	private static final class PartialCall {

		private final int index;

		private String id;

		private final StringBuilder name = new StringBuilder();

		private final StringBuilder arguments = new StringBuilder();

		PartialCall(int index) {
			this.index = index;
		}

		void append(ToolCallBody fragment) {
			if (this.id == null && fragment.id() != null && !fragment.id().isBlank()) {
				this.id = fragment.id();
			}
			if (fragment.function() != null) {
				String part = fragment.function().name();
				// most servers send the name once; a few repeat it whole in every
				// fragment
				if (part != null && !part.contentEquals(this.name)) {
					this.name.append(part);
				}
				this.arguments.append(ChatCodec.arguments(fragment.function().arguments()));
			}
		}

	}

}
