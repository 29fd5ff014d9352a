package dev.llmclient.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import javax.net.ssl.SSLException;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmTimeoutException;

/**
 * Turns what went wrong on the wire into a typed {@link LlmClientException} whose message
 * says what happened and what to check. Messages are scrubbed of the API key.
 */
final class Failures {

	private static final int SNIPPET_LENGTH = 200;

	private final LlmClientSettings settings;

	Failures(LlmClientSettings settings) {
		this.settings = settings;
	}

	LlmClientException fromIo(IOException ex) {
		String endpoint = this.settings.displayEndpoint();
		if (ex instanceof ConnectTimeoutException) {
			return new LlmTimeoutException(
					"Could not connect to " + endpoint + " within " + this.settings.property("connect-timeout") + "="
							+ this.settings.connection().connectTimeout() + ". Check "
							+ this.settings.property("endpoint") + " and that the server is reachable.",
					this.settings.property("connect-timeout"), this.settings.connection().connectTimeout(), ex);
		}
		if (ex instanceof SocketTimeoutException || ex instanceof InterruptedIOException && isTimeout(ex)) {
			return new LlmTimeoutException(
					"LLM server at " + endpoint + " sent nothing for " + this.settings.property("read-timeout") + "="
							+ this.settings.connection().readTimeout() + ". Raise "
							+ this.settings.property("read-timeout") + " for slow generations.",
					this.settings.property("read-timeout"), this.settings.connection().readTimeout(), ex);
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
			return new LlmConnectionException("TLS failure talking to " + endpoint + ": " + scrub(ex.getMessage())
					+ ". Check the certificate, or that the endpoint really speaks https.", ex);
		}
		if (ex instanceof NoHttpResponseException) {
			return new LlmConnectionException("LLM server at " + endpoint + " closed the connection without answering.",
					ex);
		}
		if (ex instanceof SocketException) {
			return new LlmConnectionException("Connection to " + endpoint + " broke: " + scrub(ex.getMessage()) + ".",
					ex);
		}
		return new LlmConnectionException("I/O failure talking to " + endpoint + ": " + ex.getClass().getSimpleName()
				+ ((ex.getMessage() != null) ? ": " + scrub(ex.getMessage()) : "") + ".", ex);
	}

	LlmHttpException fromStatus(int status, HttpHeaders headers, byte[] body) {
		String type = null;
		String code = null;
		String serverMessage = null;
		JsonNode error = parseError(body);
		if (error != null && error.isObject()) {
			type = text(error.get("type"));
			code = text(error.get("code"));
			serverMessage = text(error.get("message"));
		}
		else if (error != null) {
			serverMessage = text(error);
		}
		if (serverMessage == null && body.length > 0) {
			serverMessage = snippet(body);
		}
		StringBuilder message = new StringBuilder("LLM server at ").append(this.settings.displayEndpoint())
			.append(" answered HTTP ")
			.append(status);
		if (type != null && code != null) {
			message.append(" (type=").append(type).append(", code=").append(code).append(')');
		}
		else if (type != null || code != null) {
			message.append((type != null) ? " (type=" + type : " (code=" + code).append(')');
		}
		if (serverMessage != null && !serverMessage.isBlank()) {
			String text = serverMessage.strip();
			message.append(": ").append(scrub(text.endsWith(".") ? text.substring(0, text.length() - 1) : text));
		}
		String hint = hint(status);
		if (hint != null) {
			message.append(". ").append(hint);
		}
		return new LlmHttpException(message.toString(), status, type, code, headers.getFirst("x-request-id"),
				RetryAfter.parse(headers, Clock.systemUTC()), RetryAfter.shouldRetry(headers));
	}

	String snippet(byte[] body) {
		String text = new String(body, 0, Math.min(body.length, SNIPPET_LENGTH * 4), StandardCharsets.UTF_8).strip();
		text = text.replaceAll("\\s+", " ");
		return scrub((text.length() > SNIPPET_LENGTH) ? text.substring(0, SNIPPET_LENGTH) + "..." : text);
	}

	String scrub(String text) {
		String key = this.settings.apiKey();
		if (text == null || key == null) {
			return text;
		}
		return text.replace(key, "******");
	}

	private String hint(int status) {
		String apiKey = this.settings.property("api-key");
		String endpoint = this.settings.property("endpoint");
		String model = this.settings.property("model");
		return switch (status) {
			case 401 -> "Check " + apiKey;
			case 403 -> "The API key lacks access to this model or endpoint: check " + apiKey + " and " + model;
			case 404 -> "Check " + endpoint + " (OpenAI-compatible servers usually serve under /v1) and " + model;
			case 429 ->
				"The server is rate limiting: lower " + this.settings.property("max-concurrent") + " or retry later";
			default -> null;
		};
	}

	private static boolean isTimeout(IOException ex) {
		return ex.getMessage() != null && ex.getMessage().toLowerCase(java.util.Locale.ROOT).contains("timeout");
	}

	private static JsonNode parseError(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			JsonNode root = WireFormat.MAPPER.readTree(body);
			if (root == null || !root.isObject()) {
				return null;
			}
			JsonNode error = root.get("error");
			if (error != null && !error.isNull()) {
				return error;
			}
			return (root.has("message") || root.has("detail")) ? root : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static String text(JsonNode node) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		if (node.isObject() && node.has("message")) {
			return text(node.get("message"));
		}
		return node.isValueNode() ? node.asString() : node.toString();
	}

}
