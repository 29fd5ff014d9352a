package dev.llmclient.internal;

import dev.llmclient.Usage;

/**
 * Where the recorder sends each call's measurements: Micrometer when a registry is present,
 * nowhere otherwise.
 */
interface CallMetrics {

    CallMetrics NONE = (model, nanos, errorType, usage) -> {
    };

    /**
     * Records one ended call.
     * @param model the requested model, or {@code null}
     * @param nanos its duration
     * @param errorType {@code none} on success, else a bounded error class
     * @param usage the token counts, or {@code null}
     */
    void record(String model, long nanos, String errorType, Usage usage);

}
