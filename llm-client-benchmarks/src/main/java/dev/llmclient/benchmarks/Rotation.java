package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * Turn order for a round: each round starts one contender later, so none always goes
 * first.
 */
final class Rotation {

	private Rotation() {
	}

	static <T> List<T> of(List<T> items, int round) {
		List<T> rotated = new ArrayList<>(items.size());
		for (int i = 0; i < items.size(); i++) {
			rotated.add(items.get((i + round) % items.size()));
		}
		return rotated;
	}

}
