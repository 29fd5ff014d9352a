package dev.llmclient;

/**
 * A call was not sent because the limits shared by the application's instances live in
 * Redis, Redis could not be reached, and {@code cluster.on-redis-failure} is
 * {@code reject}: sending it could exceed the provider's limit shared by every instance.
 * Thrown at once, before anything is sent; calls go through again as soon as Redis
 * answers. With {@code on-redis-failure=local} calls keep to each instance's own limits
 * instead.
 *
 * @since 0.1.0
 */
public class LlmClusterUnavailableException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what happened and which setting chooses another policy
	 * @param cause why Redis could not be reached, or {@code null} when an earlier
	 * failure already told
	 */
	public LlmClusterUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Returns {@code cluster_unavailable}.
	 * @return {@code cluster_unavailable}
	 */
	@Override
	public String errorType() {
		return "cluster_unavailable";
	}

}
