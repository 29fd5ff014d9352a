package dev.llmclient;

/**
 * The server answered with an HTTP error status (4xx or 5xx).
 *
 * @since 0.1.0
 */
public class LlmHttpException extends LlmClientException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;

    private final String errorType;

    private final String errorCode;

    private final String requestId;

    /**
     * Creates an exception.
     * @param message what happened
     * @param statusCode the HTTP status
     * @param errorType the server's {@code error.type}, or {@code null}
     * @param errorCode the server's {@code error.code}, or {@code null}
     * @param requestId the server's request id header, or {@code null}
     */
    public LlmHttpException(String message, int statusCode, String errorType, String errorCode, String requestId) {
        super(message);
        this.statusCode = statusCode;
        this.errorType = errorType;
        this.errorCode = errorCode;
        this.requestId = requestId;
    }

    /**
     * Returns the HTTP status the server answered with.
     * @return the status code, 400 to 599
     */
    public int statusCode() {
        return this.statusCode;
    }

    /**
     * Returns the server's error type ({@code error.type} in an OpenAI error body).
     * @return the type, or {@code null} when the server sent none
     */
    public String errorType() {
        return this.errorType;
    }

    /**
     * Returns the server's error code ({@code error.code} in an OpenAI error body).
     * @return the code, or {@code null} when the server sent none
     */
    public String errorCode() {
        return this.errorCode;
    }

    /**
     * Returns the server's request id ({@code x-request-id}), useful when asking its support.
     * @return the id, or {@code null} when the server sent none
     */
    public String requestId() {
        return this.requestId;
    }

    /**
     * Whether the status is a 4xx: the request was refused, not the server broken.
     * @return {@code true} for 400 to 499
     */
    public boolean isClientError() {
        return this.statusCode >= 400 && this.statusCode < 500;
    }

}
