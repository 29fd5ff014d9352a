package dev.llmclient.internal.call;

import java.io.IOException;

import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;

/**
 * Writes a call's encoded body as the request body of its attempt, and tells the call
 * when it does: from then on the server may count the request (see
 * {@link Call#writingRequest()}). Added first to the client's own {@code RestClient}, so
 * the body goes out as a {@code byte[]} would, with its {@code Content-Length}, and no
 * object is made per attempt.
 */
public final class CallBodyConverter extends AbstractHttpMessageConverter<Call> {

	public CallBodyConverter() {
		super(MediaType.APPLICATION_JSON);
	}

	@Override
	protected boolean supports(Class<?> type) {
		return Call.class == type;
	}

	@Override
	public boolean canRead(Class<?> type, MediaType mediaType) {
		return false;
	}

	@Override
	protected Call readInternal(Class<? extends Call> type, HttpInputMessage input) {
		throw new UnsupportedOperationException("A call is only ever written");
	}

	@Override
	protected Long getContentLength(Call call, MediaType contentType) {
		return (long) call.body().length;
	}

	@Override
	protected boolean supportsRepeatableWrites(Call call) {
		// a proxy's authentication challenge has the body sent again
		return true;
	}

	@Override
	protected void writeInternal(Call call, HttpOutputMessage output) throws IOException {
		call.writingRequest();
		output.getBody().write(call.body());
	}

}
