package dev.llmclient.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.DispatcherServlet;

import dev.llmclient.LlmClientException;

/**
 * Answers an {@link LlmClientException} that escapes one of the application's Spring MVC
 * controllers with an RFC 9457 {@link ProblemDetail} (400 for a request the LLM server
 * refused, 502 for the LLM server's trouble, 503 with {@code Retry-After} when the client
 * or the server has no room, 504 for a timeout; see
 * {@link dev.llmclient.web.LlmProblemDetails}) instead of Boot's opaque 500. Its
 * {@code detail} names no endpoint, setting or parser message unless
 * {@code llm.client.web.problem-details.include-details=true}. The handler has the lowest
 * precedence: an application's own {@code @ExceptionHandler} methods and
 * {@code @ControllerAdvice} beans for these exceptions always win. Turned off by
 * {@code llm.client.web.problem-details.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(name = "llm.client.web.problem-details.enabled", matchIfMissing = true)
public final class LlmClientProblemDetailsAutoConfiguration {

	@Bean
	LlmClientExceptionHandler llmClientExceptionHandler(Environment environment) {
		return new LlmClientExceptionHandler(
				environment.getProperty("llm.client.web.problem-details.include-details", Boolean.class, false));
	}

}
