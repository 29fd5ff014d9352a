package dev.llmclient.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.llmclient.Usage;

/**
 * Records calls with the OpenTelemetry GenAI client metric names and tags. Every series carries
 * the same tag keys, as Prometheus requires. Meters are looked up once per tag combination and
 * cached, so recording does not build tags on the hot path.
 */
final class MicrometerCallMetrics implements CallMetrics {

    static final String DURATION = "gen_ai.client.operation.duration";

    static final String TOKEN_USAGE = "gen_ai.client.token.usage";

    static final String RETRIES = "llm.client.retries";

    static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

    private final MeterRegistry registry;

    private final Tags commonTags;

    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    private final Map<String, DistributionSummary> tokens = new ConcurrentHashMap<>();

    private final Map<String, Counter> retries = new ConcurrentHashMap<>();

    private final Map<String, Timer> firstChunkTimers = new ConcurrentHashMap<>();

    MicrometerCallMetrics(MeterRegistry registry, String providerName, String serverAddress, int serverPort) {
        this.registry = registry;
        this.commonTags = Tags.of("gen_ai.operation.name", "chat", "gen_ai.provider.name", providerName,
                "server.address", serverAddress, "server.port", Integer.toString(serverPort));
    }

    @Override
    public void record(String model, long nanos, String errorType, Usage usage) {
        String modelTag = (model != null) ? model : "unknown";
        this.timers.computeIfAbsent(modelTag + '\u0000' + errorType, (key) -> Timer.builder(DURATION)
            .description("Duration of LLM client operations")
            .tags(this.commonTags)
            .tag("gen_ai.request.model", modelTag)
            .tag("error.type", errorType)
            .register(this.registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (usage != null) {
            tokenSummary(modelTag, "input").record(usage.inputTokens());
            tokenSummary(modelTag, "output").record(usage.outputTokens());
        }
    }

    @Override
    public void firstChunk(String model, long nanos, String errorType) {
        String modelTag = (model != null) ? model : "unknown";
        this.firstChunkTimers.computeIfAbsent(modelTag + '\u0000' + errorType, (key) -> Timer.builder(TIME_TO_FIRST_CHUNK)
            .description("Time from the start of a streamed LLM client operation to its first chunk")
            .tags(this.commonTags)
            .tag("gen_ai.request.model", modelTag)
            .tag("error.type", errorType)
            .register(this.registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public void retry(String reason) {
        this.retries.computeIfAbsent(reason, (key) -> Counter.builder(RETRIES)
            .description("Retries of LLM client calls, by reason")
            .tags(this.commonTags)
            .tag("reason", reason)
            .register(this.registry)).increment();
    }

    private DistributionSummary tokenSummary(String model, String type) {
        return this.tokens.computeIfAbsent(model + '\u0000' + type, (key) -> DistributionSummary.builder(TOKEN_USAGE)
            .description("Number of input and output tokens used")
            .baseUnit("tokens")
            .tags(this.commonTags)
            .tag("gen_ai.request.model", model)
            .tag("gen_ai.token.type", type)
            .register(this.registry));
    }

}
