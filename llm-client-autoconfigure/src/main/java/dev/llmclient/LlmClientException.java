package dev.llmclient;

/**
 * Base of every failure of a call to the LLM server. Unchecked; messages never contain
 * the API key or authentication headers.
 * <p>
 * Every failure answers three questions, each decided by the exception type itself, so
 * that the metrics, the retry decision, health and an application's own error handling
 * agree:
 * <ul>
 * <li>{@link #errorType()}: a short, bounded name of the failure, the value of the
 * {@code error.type} tag on the client's metrics and of the {@code reason} tag on
 * {@code llm.client.retries};</li>
 * <li>{@link #origin()}: where the cause lies (the server, the client's configuration,
 * the request, or the client itself), which decides whether health turns DOWN;</li>
 * <li>{@link #isRetryable()}: whether sending the same request again may succeed, which
 * decides whether the client retries it.</li>
 * </ul>
 * <table>
 * <caption>Error types</caption>
 * <tr>
 * <th>{@code errorType()}</th>
 * <th>exception</th>
 * <th>origin</th>
 * <th>retried</th>
 * </tr>
 * <tr>
 * <td>{@code 400}, {@code 404}, {@code 422}, ... (the status, three digits)</td>
 * <td>{@link LlmHttpException}</td>
 * <td>REQUEST</td>
 * <td>only when the server says {@code x-should-retry: true}</td>
 * </tr>
 * <tr>
 * <td>{@code 401}, {@code 403}</td>
 * <td>{@link LlmHttpException}</td>
 * <td>CONFIGURATION (the API key)</td>
 * <td>only when the server says {@code x-should-retry: true}</td>
 * </tr>
 * <tr>
 * <td>{@code 408}, {@code 409}, {@code 429}</td>
 * <td>{@link LlmHttpException}</td>
 * <td>SERVER for 408, REQUEST otherwise</td>
 * <td>yes, unless the server says {@code x-should-retry: false}</td>
 * </tr>
 * <tr>
 * <td>{@code 500}, {@code 503}, ... (5xx)</td>
 * <td>{@link LlmHttpException}</td>
 * <td>SERVER</td>
 * <td>yes, unless the server says {@code x-should-retry: false}</td>
 * </tr>
 * <tr>
 * <td>{@code timeout}</td>
 * <td>{@link LlmTimeoutException}</td>
 * <td>SERVER</td>
 * <td>only a {@link LlmTimeoutException.Kind#CONNECT CONNECT} timeout</td>
 * </tr>
 * <tr>
 * <td>{@code bulkhead_full}</td>
 * <td>{@link LlmBulkheadFullException}</td>
 * <td>CLIENT</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code rate_limited}</td>
 * <td>{@link LlmRateLimitedException}, a budget spent (nothing sent)</td>
 * <td>CLIENT</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code io}</td>
 * <td>{@link LlmConnectionException}</td>
 * <td>SERVER</td>
 * <td>yes, except an unknown host or a TLS failure</td>
 * </tr>
 * <tr>
 * <td>{@code malformed_response}</td>
 * <td>{@link LlmMalformedResponseException}</td>
 * <td>SERVER</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code stream_error}</td>
 * <td>{@link LlmStreamException}, reported by the server</td>
 * <td>SERVER</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code stream_cut}</td>
 * <td>{@link LlmStreamException}, stream cut</td>
 * <td>SERVER</td>
 * <td>only before any chunk reached the consumer</td>
 * </tr>
 * <tr>
 * <td>{@code client_closed}</td>
 * <td>{@link LlmClientClosedException}</td>
 * <td>CLIENT</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code cluster_unavailable}</td>
 * <td>{@link LlmClusterUnavailableException}</td>
 * <td>CLIENT</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code endpoints_unavailable}</td>
 * <td>{@link LlmEndpointsUnavailableException}</td>
 * <td>SERVER</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code structured_output}</td>
 * <td>{@link LlmStructuredOutputException}</td>
 * <td>SERVER</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code tool_loop}</td>
 * <td>{@link LlmToolLoopException}</td>
 * <td>CLIENT</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code batch_validation}</td>
 * <td>{@code dev.llmclient.batch.LlmBatchJobValidationException} (the provider refused a
 * batch job's input file)</td>
 * <td>REQUEST</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code batch_item}</td>
 * <td>{@code dev.llmclient.batch.LlmBatchItemException} (one request of a batch job, in
 * its result)</td>
 * <td>REQUEST, SERVER for the provider's 5xx</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>{@code other}</td>
 * <td>this class (interrupted, a stream consumer that threw)</td>
 * <td>CLIENT</td>
 * <td>no</td>
 * </tr>
 * </table>
 * A call whose async future was cancelled is recorded with {@code error.type}
 * {@code cancelled}; it ends with a {@link java.util.concurrent.CancellationException},
 * not with this exception.
 *
 * @since 0.1.0
 */
public class LlmClientException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Where the cause of a failure lies.
	 *
	 * @since 0.1.0
	 */
	public enum Origin {

		/**
		 * The server, or the way to it, is in trouble: it could not be reached, broke the
		 * connection, stayed silent, answered 5xx or 408, or sent an answer that is not a
		 * completion. Health turns DOWN after {@code health.down-after-failures} of these
		 * in a row.
		 */
		SERVER,

		/**
		 * The client's configuration does not fit the server: the server refused the API
		 * key (401, 403). Every call will fail the same way, so health turns DOWN at the
		 * first one, until a call succeeds.
		 */
		CONFIGURATION,

		/**
		 * The server refused this request, or the load the application sends (other 4xx,
		 * 429): the caller can fix it. Health stays as it was.
		 */
		REQUEST,

		/**
		 * The client itself ended the call: its concurrency limit was full, it was
		 * closed, the call was interrupted or the stream's consumer threw. Health stays
		 * as it was.
		 */
		CLIENT

	}

	/**
	 * Creates an exception.
	 * @param message what happened and, where known, what to do
	 */
	public LlmClientException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a cause.
	 * @param message what happened and, where known, what to do
	 * @param cause the underlying failure
	 */
	public LlmClientException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Returns the failure's type: a short name from a bounded set (see the table above),
	 * the same value the {@code error.type} tag of the client's metrics carries.
	 * @return {@code other} for this class; subclasses answer their own
	 */
	public String errorType() {
		return "other";
	}

	/**
	 * Returns where the cause of the failure lies, which decides whether health turns
	 * DOWN.
	 * @return {@link Origin#CLIENT} for this class; subclasses answer their own
	 */
	public Origin origin() {
		return Origin.CLIENT;
	}

	/**
	 * Whether sending the same request again may succeed: the client retries such
	 * failures (within {@code retry.max-attempts} and the call's deadline).
	 * @return {@code false} for this class; subclasses answer their own
	 */
	public boolean isRetryable() {
		return false;
	}

}
