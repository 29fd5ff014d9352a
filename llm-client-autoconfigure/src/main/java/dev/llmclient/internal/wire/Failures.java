package dev.llmclient.internal.wire;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import javax.net.ssl.SSLException;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;

import org.springframework.http.HttpHeaders;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;

import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.LlmRateLimitedException;
import dev.llmclient.LlmStreamException;
import dev.llmclient.LlmTimeoutException;

/**
 * Words every failure built from what happened on the wire or from a server's answer, as
 * a typed {@link LlmClientException} whose message says what happened and what to check.
 * A server's reason is kept whole (up to {@value #REASON_LENGTH} characters, to protect
 * logs); a body is cut to a short snippet only when it holds no reason field. Messages
 * are scrubbed of the API key.
 */
public final class Failures {

	/** Longest server reason kept in a message. */
	static final int REASON_LENGTH = 2000;

	/** Longest piece of a body without a reason field shown in a message. */
	private static final int SNIPPET_LENGTH = 200;

	private final LlmClientSettings settings;

	private final FailureHints hints;

	public Failures(LlmClientSettings settings) {
		this(settings, "api-key");
	}

	/**
	 * Creates the failures of one endpoint of several, whose key may be a setting of its
	 * own.
	 * @param apiKeyPath the path of the setting that holds the key this endpoint sends,
	 * such as {@code endpoints[2].api-key}
	 */
	public Failures(LlmClientSettings settings, String apiKeyPath) {
		this.settings = settings;
		this.hints = new FailureHints(settings, apiKeyPath);
	}

	/**
	 * The failure of a call that would have waited longer than it may for a rate budget.
	 * @param budget the budget that was spent
	 * @param wouldWait how long the call would have had to wait
	 * @param mayWait how long it was allowed to wait
	 * @param inFlight calls in flight
	 */
	public LlmRateLimitedException rateLimited(LlmRateLimitedException.Budget budget, Duration wouldWait,
			Duration mayWait, int inFlight) {
		return switch (budget) {
			case REQUESTS -> rateLimited(budget, this.settings.property("rate-limit.requests-per-minute"),
					this.settings.rateLimit().requestsPerMinute(), wouldWait, mayWait, inFlight);
			case TOKENS -> rateLimited(budget, this.settings.property("rate-limit.tokens-per-minute"),
					this.settings.rateLimit().tokensPerMinute(), wouldWait, mayWait, inFlight);
			case SERVER, SPEND -> rateLimited(budget, null, null, wouldWait, mayWait, inFlight);
		};
	}

	/**
	 * The failure of a call a budget refused, naming the property that sets it.
	 * @param property the budget's property as messages name it, {@code null} for the
	 * server's pause
	 * @param limit the budget's limit, as its property shows it
	 */
	public LlmRateLimitedException rateLimited(LlmRateLimitedException.Budget budget, String property, Long limit,
			Duration wouldWait, Duration mayWait, int inFlight) {
		String maxWait = this.settings.property("max-wait");
		String spent = switch (budget) {
			case REQUESTS -> "the request budget " + property + "=" + limit + " is spent";
			case TOKENS -> "the token budget " + property + "=" + limit + " is spent";
			case SERVER -> "the server at " + this.settings.displayEndpoint()
					+ " said its rate limit is spent (Retry-After or x-ratelimit-* headers)";
			case SPEND -> "the spend budget " + property + " is spent";
		};
		String fix = (property != null)
				? "Raise " + property + " if the provider grants more, or " + maxWait + " to queue longer."
				: "Wait for the provider's limit to reset, or raise " + maxWait + " to queue longer.";
		return new LlmRateLimitedException(
				"LLM call not sent: " + spent + ", and it would refill in " + wouldWait + ", past the " + mayWait
						+ " the call may still wait (" + maxWait + "=" + this.settings.limits().maxWait()
						+ ", or the call's " + this.settings.property("timeout") + " deadline). " + fix,
				budget, property, wouldWait, inFlight, this.settings.limits().maxConcurrent(),
				this.settings.limits().maxWait());
	}

	/**
	 * The failure of an exchange that got no answer to read: an I/O failure, or anything
	 * else the {@code RestClient} threw.
	 */
	public LlmClientException fromRestClient(RestClientException ex) {
		if (ex instanceof ResourceAccessException) {
			return (ex.getCause() instanceof IOException io) ? fromIo(io)
					: new LlmConnectionException(scrub(ex.getMessage()), ex);
		}
		return new LlmClientException(
				"Call to " + this.settings.displayEndpoint() + " failed: " + scrub(ex.getMessage()), ex);
	}

	public LlmClientException fromIo(IOException ex) {
		String endpoint = this.settings.displayEndpoint();
		if (ex instanceof ConnectTimeoutException) {
			return new LlmTimeoutException(
					"Could not connect to " + endpoint + " within " + this.settings.property("connect-timeout") + "="
							+ this.settings.connection().connectTimeout() + ". Check "
							+ this.settings.property("endpoint") + " and that the server is reachable.",
					LlmTimeoutException.Kind.CONNECT, this.settings.connection().connectTimeout(), ex);
		}
		if (ex instanceof SocketTimeoutException || ex instanceof InterruptedIOException && isTimeout(ex)) {
			return new LlmTimeoutException(
					"LLM server at " + endpoint + " sent nothing for " + this.settings.property("read-timeout") + "="
							+ this.settings.connection().readTimeout() + ". Raise "
							+ this.settings.property("read-timeout") + " for slow generations.",
					LlmTimeoutException.Kind.READ, this.settings.connection().readTimeout(), ex);
		}
		if (ex instanceof UnknownHostException) {
			return new LlmConnectionException("Unknown host in " + this.settings.property("endpoint") + "=" + endpoint
					+ ": check the host name and DNS.", ex);
		}
		if (ex instanceof ConnectException || ex instanceof NoRouteToHostException) {
			return new LlmConnectionException("Could not connect to " + endpoint + " (" + ex.getClass().getSimpleName()
					+ "): check " + this.settings.property("endpoint") + " and that the LLM server is running.", ex);
		}
		if (ex instanceof SSLException) {
			return new LlmConnectionException("TLS failure talking to " + endpoint + this.hints.tlsMaterial() + ": "
					+ scrub(ex.getMessage()) + ". " + this.hints.tlsAdvice(), ex);
		}
		if (ex instanceof NoHttpResponseException) {
			return new LlmConnectionException(
					"LLM server at " + endpoint + " closed the connection without answering." + this.hints.mutualTls(),
					ex);
		}
		if (ex instanceof SocketException) {
			return new LlmConnectionException(
					"Connection to " + endpoint + " broke: " + scrub(ex.getMessage()) + "." + this.hints.mutualTls(),
					ex);
		}
		return new LlmConnectionException("I/O failure talking to " + endpoint + ": " + ex.getClass().getSimpleName()
				+ ((ex.getMessage() != null) ? ": " + scrub(ex.getMessage()) : "") + ".", ex);
	}

	/**
	 * The failure of an error status: the server's reason (read by
	 * {@link ChatCodec#errorBody}) whole, or a snippet of a body that has none, and what
	 * to check.
	 */
	public LlmHttpException fromStatus(int status, HttpHeaders headers, byte[] body) {
		ChatCodec.ServerError error = ChatCodec.errorBody(body);
		String type = (error != null) ? error.type() : null;
		String code = (error != null) ? error.code() : null;
		String reason = (error != null && error.reason() != null) ? reason(error.reason())
				: (body.length > 0) ? snippet(body) : null;
		StringBuilder message = new StringBuilder("LLM server at ").append(this.settings.displayEndpoint())
			.append(" answered HTTP ")
			.append(status)
			.append(typeAndCode(type, code));
		if (reason != null && !reason.isBlank()) {
			message.append(": ").append(withoutFinalStop(reason));
		}
		String hint = this.hints.forStatus(status);
		if (hint != null) {
			message.append(". ").append(hint);
		}
		return new LlmHttpException(message.toString(), status, type, code, headers.getFirst("x-request-id"),
				RetryAfter.parse(headers, Clock.systemUTC()), RetryAfter.shouldRetry(headers));
	}

	/** A 2xx whose body is not what was asked for. */
	LlmMalformedResponseException malformed(String what, Throwable cause) {
		return new LlmMalformedResponseException(
				"LLM server at " + this.settings.displayEndpoint() + " answered 2xx with " + what, cause);
	}

	/** A status that is neither an answer nor an error (1xx, 3xx). */
	public LlmMalformedResponseException notACompletion(int status) {
		return new LlmMalformedResponseException("LLM server at " + this.settings.displayEndpoint() + " answered HTTP "
				+ status + " instead of a chat completion. Check " + this.settings.property("endpoint") + ".", null);
	}

	/**
	 * A body past {@code max-response-size}.
	 * @param chunksDelivered chunks a stream had delivered, or a negative number for a
	 * whole answer
	 */
	public LlmMalformedResponseException tooLarge(int chunksDelivered) {
		String what = (chunksDelivered < 0) ? " sent a body larger than " : " streamed more than ";
		String after = (chunksDelivered < 0) ? "" : " after " + chunksDelivered + " chunks";
		String setting = this.settings.property("max-response-size");
		return new LlmMalformedResponseException("LLM server at " + this.settings.displayEndpoint() + what + setting
				+ "=" + this.settings.connection().maxResponseSize() + " bytes" + after
				+ "; the rest was not read. Raise " + setting + " or lower max_tokens.", null);
	}

	/** An embeddings answer past its limit. */
	LlmMalformedResponseException embeddingsTooLarge(long limit) {
		return new LlmMalformedResponseException("LLM server at " + this.settings.displayEndpoint()
				+ " sent an embeddings answer larger than " + limit + " bytes ("
				+ this.settings.property("max-response-size") + ", or " + EmbeddingCodec.BYTES_PER_VECTOR
				+ " bytes per text when that is more); the rest was not read. Lower "
				+ this.settings.property("embedding-batch-size") + " or raise "
				+ this.settings.property("max-response-size") + ".", null);
	}

	/** An error the server sent inside a stream that had begun with 2xx. */
	LlmStreamException streamError(ChatCodec.ServerError error, int chunksDelivered) {
		StringBuilder message = new StringBuilder("LLM server at ").append(this.settings.displayEndpoint())
			.append(" reported an error in the middle of a stream, after ")
			.append(chunksDelivered)
			.append(" chunks")
			.append(typeAndCode(error.type(), error.code()));
		if (error.reason() != null && !error.reason().isBlank()) {
			message.append(": ").append(withoutFinalStop(reason(error.reason())));
		}
		message.append(". The answer is incomplete.");
		return new LlmStreamException(message.toString(), true, error.type(), error.code(), chunksDelivered, null);
	}

	/**
	 * A stream that ended, or whose connection broke, before {@code [DONE]} and before a
	 * finish reason.
	 * @param cause how the connection broke, or {@code null} when the stream just ended
	 */
	LlmStreamException streamCut(IOException cause, int chunksDelivered) {
		String how = (cause != null) ? "the connection broke (" + scrub(String.valueOf(cause.getMessage())) + ")"
				: "the stream ended";
		return new LlmStreamException(
				"LLM server at " + this.settings.displayEndpoint() + ": " + how + " after " + chunksDelivered
						+ " chunks, before [DONE] and before a finish reason. The answer is incomplete.",
				false, null, null, chunksDelivered, cause);
	}

	/** A stream that went silent for {@code read-timeout}. */
	LlmTimeoutException streamSilence(IOException cause, int chunksDelivered) {
		Duration timeout = this.settings.connection().readTimeout();
		String setting = this.settings.property("read-timeout");
		return new LlmTimeoutException("LLM server at " + this.settings.displayEndpoint()
				+ " stopped sending in the middle of a stream: nothing for " + setting + "=" + timeout + " after "
				+ chunksDelivered + " chunks. The answer is incomplete; raise " + setting
				+ " if the model pauses longer between chunks.", LlmTimeoutException.Kind.READ, timeout, cause);
	}

	/**
	 * Why the server or the proxy refused the client's credentials, with what to check:
	 * for warm-up and the health probe, which see the status of {@code GET /models}.
	 * @return the reason, or {@code null} when the status is no refusal
	 */
	public String credentialsRejected(int status) {
		return this.hints.credentialsRejected(status);
	}

	/** The start of a body that has no reason field, on one line. */
	String snippet(byte[] body) {
		return snippet(new String(body, 0, Math.min(body.length, SNIPPET_LENGTH * 4), StandardCharsets.UTF_8));
	}

	String snippet(String text) {
		return cut(text.strip().replaceAll("\\s+", " "), SNIPPET_LENGTH);
	}

	/** A server's reason, whole up to {@link #REASON_LENGTH} characters. */
	String reason(String text) {
		return cut(text.strip(), REASON_LENGTH);
	}

	/**
	 * Hides the API key (each endpoint's too, when there are several) and the proxy's
	 * password, should a server or proxy echo them.
	 */
	public String scrub(String text) {
		if (text == null) {
			return null;
		}
		String key = this.settings.apiKey();
		String proxyPassword = this.settings.proxy().effectivePassword();
		String scrubbed = (key != null) ? text.replace(key, "******") : text;
		for (EndpointSettings endpoint : this.settings.endpoints()) {
			if (endpoint.apiKey() != null) {
				scrubbed = scrubbed.replace(endpoint.apiKey(), "******");
			}
		}
		return (proxyPassword != null) ? scrubbed.replace(proxyPassword, "******") : scrubbed;
	}

	private String cut(String text, int length) {
		return scrub((text.length() > length) ? text.substring(0, length) + "..." : text);
	}

	/** The message goes on after the reason, so a full stop ending it would double. */
	private static String withoutFinalStop(String text) {
		return (text.endsWith(".") && !text.endsWith("...")) ? text.substring(0, text.length() - 1) : text;
	}

	private static String typeAndCode(String type, String code) {
		if (type != null && code != null) {
			return " (type=" + type + ", code=" + code + ")";
		}
		if (type != null || code != null) {
			return (type != null) ? " (type=" + type + ")" : " (code=" + code + ")";
		}
		return "";
	}

	private static boolean isTimeout(IOException ex) {
		return ex.getMessage() != null && ex.getMessage().toLowerCase(Locale.ROOT).contains("timeout");
	}

}
