package dev.llmclient;

/**
 * What kind of work a call is, so that a long batch never makes a person wait.
 * <p>
 * A call says its class on its request ({@link ChatRequest.Builder#requestClass},
 * {@link EmbeddingRequest.Builder#requestClass}). A request that says none is
 * {@link #INTERACTIVE} when sent through {@link LlmClient} and {@link #BATCH} when sent
 * through {@code LlmBatchService}.
 *
 * @since 0.3.0
 */
public enum RequestClass {

	/** Someone waits for the answer, such as a chat message: admitted first. */
	INTERACTIVE,

	/** Work that can wait, such as a nightly batch: holds at most its share. */
	BATCH

}
