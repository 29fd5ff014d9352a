package dev.llmclient.internal.wire;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import org.springframework.http.HttpHeaders;

/**
 * Reads the wait a server asks for before a new attempt: {@code retry-after-ms}
 * (milliseconds, sent by OpenAI), else {@code Retry-After} as delay-seconds or as an HTTP
 * date (RFC 9110, section 10.2.3). A value in neither form, such as {@code NaN} or a
 * negative number, is no hint at all, so the computed backoff applies rather than no
 * wait.
 */
public final class RetryAfter {

	/**
	 * Digits, with a decimal fraction tolerated: servers send {@code 1.5}, which RFC 9110
	 * does not allow but whose meaning is plain.
	 */
	private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");

	/** Far beyond any wait a call would accept, and safe from overflow. */
	private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000_000L);

	private RetryAfter() {
	}

	public static Duration parse(HttpHeaders headers, Clock clock) {
		Duration millis = number(headers.getFirst("retry-after-ms"), BigDecimal.valueOf(1000));
		if (millis != null) {
			return millis;
		}
		String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (value == null || value.isBlank()) {
			return null;
		}
		Duration seconds = number(value, BigDecimal.ONE);
		if (seconds != null) {
			return seconds;
		}
		try {
			ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
			Duration until = Duration.between(clock.instant(), at.toInstant());
			return until.isNegative() ? Duration.ZERO : until;
		}
		catch (DateTimeParseException unreadable) {
			return null;
		}
	}

	static Boolean shouldRetry(HttpHeaders headers) {
		String value = headers.getFirst("x-should-retry");
		if ("true".equalsIgnoreCase(value)) {
			return Boolean.TRUE;
		}
		return "false".equalsIgnoreCase(value) ? Boolean.FALSE : null;
	}

	/**
	 * A non-negative decimal number of units ({@code perSecond} of them make a second),
	 * or {@code null} when the value is missing or not such a number.
	 */
	private static Duration number(String value, BigDecimal perSecond) {
		if (value == null || !NUMBER.matcher(value.strip()).matches()) {
			return null;
		}
		BigDecimal seconds = new BigDecimal(value.strip()).divide(perSecond);
		return Duration.ofNanos(seconds.min(MAX_SECONDS).movePointRight(9).longValue());
	}

}
