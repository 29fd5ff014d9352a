package dev.llmclient.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.springframework.http.HttpHeaders;

/**
 * Reads the wait a server asks for before a new attempt: {@code retry-after-ms}
 * (milliseconds, sent by OpenAI), else {@code Retry-After} as seconds or as an HTTP date.
 */
final class RetryAfter {

	private RetryAfter() {
	}

	static Duration parse(HttpHeaders headers, Clock clock) {
		String millis = headers.getFirst("retry-after-ms");
		if (millis != null) {
			try {
				return nonNegative(Duration.ofNanos((long) (Double.parseDouble(millis.strip()) * 1_000_000)));
			}
			catch (NumberFormatException ex) {
				// fall back to Retry-After
			}
		}
		String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (value == null || value.isBlank()) {
			return null;
		}
		value = value.strip();
		try {
			return nonNegative(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
		}
		catch (NumberFormatException ex) {
			try {
				ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
				return nonNegative(Duration.between(clock.instant(), at.toInstant()));
			}
			catch (DateTimeParseException unreadable) {
				return null;
			}
		}
	}

	static Boolean shouldRetry(HttpHeaders headers) {
		String value = headers.getFirst("x-should-retry");
		if ("true".equalsIgnoreCase(value)) {
			return Boolean.TRUE;
		}
		return "false".equalsIgnoreCase(value) ? Boolean.FALSE : null;
	}

	private static Duration nonNegative(Duration duration) {
		return duration.isNegative() ? Duration.ZERO : duration;
	}

}
