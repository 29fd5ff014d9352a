package dev.llmclient;

/**
 * A streamed answer ended before it was complete: the server sent an error inside the
 * stream after answering 2xx, or the stream ended (or the connection broke) before
 * {@code [DONE]} and before a finish reason. The chunks already handed to the consumer
 * are all the caller gets. A stream cut before any chunk reached the consumer is retried
 * like a broken connection (this exception then means the attempts ran out); once a chunk
 * has reached it, or when the server reported the error, the call is not retried: a retry
 * could show part of the answer twice. Its {@link #errorType()} is {@code stream_error}
 * when the server reported the error, {@code stream_cut} when the stream was cut.
 *
 * @since 0.1.0
 */
public class LlmStreamException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	private final boolean serverError;

	private final String serverErrorType;

	private final String serverErrorCode;

	private final int chunksDelivered;

	/**
	 * Creates an exception.
	 * @param message what happened
	 * @param serverError whether the server reported an error in the stream, rather than
	 * the stream being cut
	 * @param serverErrorType the server's {@code error.type}, or {@code null}
	 * @param serverErrorCode the server's {@code error.code}, or {@code null}
	 * @param chunksDelivered chunks handed to the consumer before the failure
	 * @param cause the underlying failure, or {@code null}
	 */
	public LlmStreamException(String message, boolean serverError, String serverErrorType, String serverErrorCode,
			int chunksDelivered, Throwable cause) {
		super(message, cause);
		this.serverError = serverError;
		this.serverErrorType = serverErrorType;
		this.serverErrorCode = serverErrorCode;
		this.chunksDelivered = chunksDelivered;
	}

	/**
	 * Whether the server reported an error inside the stream; {@code false} when the
	 * stream was cut instead (ended early, or the connection broke).
	 * @return {@code true} for an error sent by the server
	 */
	public boolean serverError() {
		return this.serverError;
	}

	/**
	 * Returns the server's error type ({@code error.type} of the error in the stream).
	 * @return the type, or {@code null} when the server sent none or the stream was cut
	 */
	public String serverErrorType() {
		return this.serverErrorType;
	}

	/**
	 * Returns the server's error code ({@code error.code} of the error in the stream).
	 * @return the code, or {@code null} when the server sent none or the stream was cut
	 */
	public String serverErrorCode() {
		return this.serverErrorCode;
	}

	/**
	 * Returns how many chunks the consumer was given before the stream failed. Zero means
	 * the caller saw nothing, so sending the request again cannot show anything twice.
	 * @return the number of chunks delivered
	 */
	public int chunksDelivered() {
		return this.chunksDelivered;
	}

	/**
	 * Returns {@code stream_error} when the server reported an error in the stream,
	 * {@code stream_cut} when the stream was cut.
	 * @return the error type
	 */
	@Override
	public String errorType() {
		return this.serverError ? "stream_error" : "stream_cut";
	}

	/**
	 * Returns {@link Origin#SERVER}: the server, or the way to it, ended the stream.
	 * @return {@link Origin#SERVER}
	 */
	@Override
	public Origin origin() {
		return Origin.SERVER;
	}

	/**
	 * Whether sending the request again may succeed without showing the consumer a chunk
	 * twice: only for a stream cut before any chunk reached it.
	 * @return {@code true} for a cut stream with no chunk delivered
	 */
	@Override
	public boolean isRetryable() {
		return !this.serverError && this.chunksDelivered == 0;
	}

}
