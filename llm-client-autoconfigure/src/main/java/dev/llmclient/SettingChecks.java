package dev.llmclient;

import java.time.Duration;

/**
 * The checks the settings records share, each throwing {@link LlmClientSettingException}
 * with the property path it is given, and the normalisations they apply to text.
 */
final class SettingChecks {

	private SettingChecks() {
	}

	static void require(String setting, Object value) {
		if (value == null) {
			throw new LlmClientSettingException(setting, null, "is required: start from its DEFAULTS");
		}
	}

	static void atLeastOne(String setting, int value) {
		if (value < 1) {
			throw new LlmClientSettingException(setting, value, "must be at least 1");
		}
	}

	static void positive(String setting, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new LlmClientSettingException(setting, value, "must be a positive duration, e.g. 10s");
		}
	}

	static void zeroOrPositive(String setting, Duration value, String example) {
		if (value == null || value.isNegative()) {
			throw new LlmClientSettingException(setting, value, "must be zero or a positive duration, e.g. " + example);
		}
	}

	static String blankToNull(String text) {
		return (text == null || text.isBlank()) ? null : text.strip();
	}

	/** A URL as messages and {@code toString()} show it: credentials masked. */
	static String withoutUserInfo(String url) {
		int at = url.lastIndexOf('@');
		int scheme = url.indexOf("://");
		return (at > scheme && scheme >= 0) ? url.substring(0, scheme + 3) + "******" + url.substring(at) : url;
	}

}
