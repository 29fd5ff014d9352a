package dev.llmclient;

import java.util.Arrays;
import java.util.List;

/**
 * An embeddings request: texts to turn into vectors. Options left {@code null} are not
 * sent, so the server's defaults apply. A request may hold any number of texts: the
 * client sends them in slices of at most {@code embedding-batch-size} texts and puts the
 * vectors back in input order.
 *
 * @param inputs the texts, at least one, none {@code null} or empty (the API refuses an
 * empty string)
 * @param model the embedding model, or {@code null} for the client's
 * {@code embedding-model} (and, when that is unset too, the server's choice)
 * @param dimensions the length of the vectors to return ({@code dimensions}, only
 * honoured by models that can shorten their vectors), or {@code null} for the model's own
 * @param requestClass whether someone waits for the vectors or it is work that can wait,
 * or {@code null} for the default of the way it is sent (see {@link RequestClass})
 * @since 0.1.0
 */
public record EmbeddingRequest(List<String> inputs, String model, Integer dimensions, RequestClass requestClass) {

	/**
	 * Creates a request, checking each field.
	 * @throws IllegalArgumentException naming the field that is invalid; nothing is sent
	 */
	public EmbeddingRequest {
		if (inputs == null || inputs.isEmpty()) {
			throw new IllegalArgumentException("EmbeddingRequest.inputs must hold at least one text; nothing was sent");
		}
		for (int i = 0; i < inputs.size(); i++) {
			String input = inputs.get(i);
			if (input == null || input.isEmpty()) {
				throw new IllegalArgumentException("EmbeddingRequest.inputs[" + i + "] must not be "
						+ ((input == null) ? "null" : "empty (the API refuses an empty string)")
						+ "; nothing was sent");
			}
		}
		if (model != null && model.isBlank()) {
			throw new IllegalArgumentException(
					"EmbeddingRequest.model must not be blank; leave it null to use the client's embedding-model");
		}
		if (dimensions != null && dimensions < 1) {
			throw new IllegalArgumentException("EmbeddingRequest.dimensions must be at least 1, was " + dimensions
					+ "; leave it null for the model's own length");
		}
		inputs = List.copyOf(inputs);
	}

	/**
	 * Creates a request of the default class.
	 * @param inputs the texts, at least one
	 * @param model the embedding model, or {@code null} for the client's
	 * @param dimensions the length of the vectors, or {@code null} for the model's own
	 */
	public EmbeddingRequest(List<String> inputs, String model, Integer dimensions) {
		this(inputs, model, dimensions, null);
	}

	/**
	 * Returns the class this request is sent as when it says none itself.
	 * @param byDefault the default of the way it is sent
	 * @return {@link #requestClass()}, or {@code byDefault} when that is {@code null}
	 */
	public RequestClass requestClassOr(RequestClass byDefault) {
		return (this.requestClass != null) ? this.requestClass : byDefault;
	}

	/**
	 * Creates a request for the client's embedding model.
	 * @param inputs the texts, at least one
	 * @return the request
	 */
	public static EmbeddingRequest of(List<String> inputs) {
		return new EmbeddingRequest(inputs, null, null);
	}

	/**
	 * Creates a request for the client's embedding model.
	 * @param inputs the texts, at least one
	 * @return the request
	 */
	public static EmbeddingRequest of(String... inputs) {
		return of((inputs != null) ? Arrays.asList(inputs) : null);
	}

	/**
	 * Starts building a request.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns a request for other texts with this request's options: what the client
	 * sends for one slice of a large request.
	 * @param inputs the texts
	 * @return the copy
	 */
	public EmbeddingRequest withInputs(List<String> inputs) {
		return new EmbeddingRequest(inputs, this.model, this.dimensions, this.requestClass);
	}

	/**
	 * Builds an {@link EmbeddingRequest}.
	 */
	public static final class Builder {

		private List<String> inputs;

		private String model;

		private Integer dimensions;

		private RequestClass requestClass;

		private Builder() {
		}

		/**
		 * Sets the texts.
		 * @param inputs the texts, at least one
		 * @return this builder
		 */
		public Builder inputs(List<String> inputs) {
			this.inputs = inputs;
			return this;
		}

		/**
		 * Sets the model.
		 * @param model the embedding model, or {@code null} for the client's
		 * @return this builder
		 */
		public Builder model(String model) {
			this.model = model;
			return this;
		}

		/**
		 * Sets the length of the vectors.
		 * @param dimensions at least 1, or {@code null} for the model's own length
		 * @return this builder
		 */
		public Builder dimensions(Integer dimensions) {
			this.dimensions = dimensions;
			return this;
		}

		/**
		 * Sets whether someone waits for the vectors or it is work that can wait.
		 * @param requestClass the class, or {@code null} for the default of the way it is
		 * sent: interactive through {@link LlmClient}, batch through
		 * {@code LlmBatchService}
		 * @return this builder
		 */
		public Builder requestClass(RequestClass requestClass) {
			this.requestClass = requestClass;
			return this;
		}

		/**
		 * Builds the request.
		 * @return the request
		 * @throws IllegalArgumentException naming the field that is invalid
		 */
		public EmbeddingRequest build() {
			return new EmbeddingRequest(this.inputs, this.model, this.dimensions, this.requestClass);
		}

	}

}
