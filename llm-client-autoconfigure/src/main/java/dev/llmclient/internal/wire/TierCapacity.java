package dev.llmclient.internal.wire;

import java.util.Locale;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmHttpException;

/**
 * Tells a refusal for the capacity of a cheaper service tier from a rate limit. OpenAI
 * documents that a {@code service_tier: flex} request may be refused with a 429 "Resource
 * Unavailable" when flex capacity runs out, unbilled; Groq answers its flex tier's
 * shortage with a 498 {@code capacity_exceeded}. Neither says the client sends too much:
 * the same request on the default tier is served, so an adaptive limit must not lower
 * itself for it, an endpoint cool down, nor its {@code Retry-After} pause other calls.
 */
public final class TierCapacity {

	private TierCapacity() {
	}

	/**
	 * Whether the failure is a service tier's refusal for capacity: a 429 whose error
	 * code or type is {@code resource_unavailable} or whose message says "resource
	 * unavailable", or a 498 {@code capacity_exceeded}.
	 * @param failure how an attempt failed
	 * @return whether the tier, not the client's rate, is the cause
	 */
	public static boolean unavailable(LlmClientException failure) {
		if (!(failure instanceof LlmHttpException http)) {
			return false;
		}
		if (http.statusCode() == 429) {
			return says(http.serverErrorCode(), "resource unavailable")
					|| says(http.serverErrorType(), "resource unavailable")
					|| says(http.getMessage(), "resource unavailable");
		}
		return http.statusCode() == 498 && (says(http.serverErrorCode(), "capacity exceeded")
				|| says(http.serverErrorType(), "capacity exceeded"));
	}

	private static boolean says(String text, String words) {
		return text != null && text.toLowerCase(Locale.ROOT).replace('_', ' ').contains(words);
	}

}
