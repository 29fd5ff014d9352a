package dev.llmclient.sample;

import java.util.Map;
import java.util.TreeMap;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Writes every finished span to the log: the sample's span exporter, which needs no
 * network; tags are written as {@code {key=value, ...}}, sorted by key. Spring Boot's
 * Brave set-up hands spans to every {@link SpanHandler} bean; an application sends them
 * to a collector instead (see the guide's "Tracing").
 *
 * @since 0.1.0
 */
@Component
public class SpanLog extends SpanHandler {

	private static final Logger logger = LoggerFactory.getLogger(SpanLog.class);

	@Override
	public boolean end(TraceContext context, MutableSpan span, Cause cause) {
		if (cause == Cause.FINISHED && logger.isInfoEnabled()) {
			logger.info("span '{}' trace={} span={} parent={} {} us tags={} events={}", span.name(),
					context.traceIdString(), context.spanIdString(), context.parentIdString(),
					span.finishTimestamp() - span.startTimestamp(), new TreeMap<>(span.tags()),
					span.annotations().stream().map(Map.Entry::getValue).toList());
		}
		return true;
	}

}
