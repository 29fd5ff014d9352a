package dev.llmclient;

import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * One part of a message's content: text, or an image given by URL or by its bytes. A
 * message made of parts is sent as the array form of {@code content} (OpenAI's
 * {@code text} and {@code image_url} parts), which vision models read.
 *
 * @since 0.1.0
 */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image {

	/** Media types an image given by its bytes may have: what the OpenAI API accepts. */
	Set<String> IMAGE_MEDIA_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

	/**
	 * Creates a text part.
	 * @param text the text, not null
	 * @return the part
	 */
	static ContentPart text(String text) {
		return new Text(text);
	}

	/**
	 * Creates an image part from a URL the server fetches ({@code https:} or a
	 * {@code data:} URI).
	 * @param url the image's URL
	 * @return the part, with the server's default detail
	 */
	static ContentPart imageUrl(String url) {
		return new Image(url, null);
	}

	/**
	 * Creates an image part from a URL, with a detail level.
	 * @param url the image's URL
	 * @param detail how closely the model looks at it, or {@code null} for the server's
	 * default
	 * @return the part
	 */
	static ContentPart imageUrl(String url, ImageDetail detail) {
		return new Image(url, detail);
	}

	/**
	 * Creates an image part from its bytes, sent as a {@code data:} URI.
	 * @param bytes the encoded image, not empty
	 * @param mediaType one of {@link #IMAGE_MEDIA_TYPES}, such as {@code image/png}
	 * @param detail how closely the model looks at it, or {@code null} for the server's
	 * default
	 * @return the part
	 * @throws IllegalArgumentException when the bytes are empty or the media type is not
	 * one of {@link #IMAGE_MEDIA_TYPES}
	 */
	static ContentPart image(byte[] bytes, String mediaType, ImageDetail detail) {
		if (bytes == null || bytes.length == 0) {
			throw new IllegalArgumentException("ContentPart.image bytes must not be empty");
		}
		String type = (mediaType != null) ? mediaType.strip().toLowerCase(Locale.ROOT) : null;
		if (type == null || !IMAGE_MEDIA_TYPES.contains(type)) {
			throw new IllegalArgumentException(
					"ContentPart.image mediaType '" + mediaType + "' is not an image type the API accepts: use one of "
							+ IMAGE_MEDIA_TYPES.stream().sorted().toList());
		}
		return new Image("data:" + type + ";base64," + Base64.getEncoder().encodeToString(bytes), detail);
	}

	/**
	 * How closely the model looks at an image ({@code detail}): {@code low} costs fewer
	 * tokens.
	 *
	 * @since 0.1.0
	 */
	enum ImageDetail {

		/** The server chooses. */
		AUTO,

		/** A low-resolution view, cheaper in tokens. */
		LOW,

		/** A high-resolution view. */
		HIGH;

		/**
		 * Returns the value on the wire.
		 * @return {@code auto}, {@code low} or {@code high}
		 */
		public String wireValue() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * A text part.
	 *
	 * @param text the text
	 * @since 0.1.0
	 */
	record Text(String text) implements ContentPart {

		/**
		 * Creates a text part.
		 * @throws IllegalArgumentException when the text is null
		 */
		public Text {
			if (text == null) {
				throw new IllegalArgumentException("ContentPart.text must not be null");
			}
		}

	}

	/**
	 * An image part ({@code image_url}).
	 *
	 * @param url an {@code http(s):} URL or a {@code data:image/...;base64,} URI
	 * @param detail the detail level, or {@code null} for the server's default
	 * @since 0.1.0
	 */
	record Image(String url, ImageDetail detail) implements ContentPart {

		/**
		 * Creates an image part.
		 * @throws IllegalArgumentException when the URL is blank or not http, https or
		 * data
		 */
		public Image {
			if (url == null || url.isBlank()) {
				throw new IllegalArgumentException("ContentPart.imageUrl url must not be blank");
			}
			String lower = url.toLowerCase(Locale.ROOT);
			if (!lower.startsWith("https://") && !lower.startsWith("http://") && !lower.startsWith("data:")) {
				throw new IllegalArgumentException(
						"ContentPart.imageUrl url must be an http(s) URL or a data: URI, was '"
								+ ((url.length() > 40) ? url.substring(0, 40) + "..." : url) + "'");
			}
		}

	}

}
