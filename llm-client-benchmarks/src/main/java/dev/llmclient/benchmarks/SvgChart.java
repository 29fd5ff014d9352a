package dev.llmclient.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * Grouped bar charts written as SVG by hand: no plotting library, and the file diffs as
 * text.
 */
final class SvgChart {

	private static final String[] COLOURS = { "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2" };

	static final int PANEL_WIDTH = 560;

	static final int PANEL_HEIGHT = 380;

	private SvgChart() {
	}

	/** One panel of the chart. */
	record Panel(String title, String yLabel, List<String> groups, List<String> series, double[][] values, double yMax,
			List<Reference> references) {
	}

	/**
	 * A dashed horizontal line: the floor, a target; its label at the left or the right
	 * end.
	 */
	record Reference(double value, String label, boolean labelLeft) {
	}

	static String render(String caption, List<Panel> panels) {
		int width = PANEL_WIDTH * panels.size();
		int height = PANEL_HEIGHT + 30;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
						+ "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n",
				width, height, width, height));
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
		for (int i = 0; i < panels.size(); i++) {
			svg.append(String.format(Locale.ROOT, "<g transform=\"translate(%d,0)\">\n", i * PANEL_WIDTH));
			panel(svg, panels.get(i));
			svg.append("</g>\n");
		}
		svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" fill=\"#555\">%s</text>\n", height - 10,
				escape(caption)));
		svg.append("</svg>\n");
		return svg.toString();
	}

	private static void panel(StringBuilder svg, Panel panel) {
		int left = 55;
		int right = PANEL_WIDTH - 15;
		int top = 60;
		int bottom = PANEL_HEIGHT - 60;
		double plotHeight = bottom - top;
		svg.append(
				String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
						left, escape(panel.title())));
		for (int s = 0; s < panel.series().size(); s++) {
			int x = left + s * 110;
			svg.append(String.format(Locale.ROOT,
					"<rect x=\"%d\" y=\"32\" width=\"12\" height=\"12\" fill=\"%s\"/>"
							+ "<text x=\"%d\" y=\"42\">%s</text>\n",
					x, COLOURS[s % COLOURS.length], x + 16, escape(panel.series().get(s))));
		}
		int ticks = 5;
		for (int t = 0; t <= ticks; t++) {
			double value = panel.yMax() * t / ticks;
			double y = bottom - plotHeight * t / ticks;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
							+ "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n",
					left, y, right, y, left - 5, y + 4, value));
		}
		svg.append(String.format(Locale.ROOT,
				"<text transform=\"translate(14,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>\n",
				(top + bottom) / 2, escape(panel.yLabel())));
		int groups = panel.groups().size();
		double groupWidth = (right - left) / (double) groups;
		int seriesCount = panel.series().size();
		double barWidth = groupWidth * 0.8 / seriesCount;
		for (int g = 0; g < groups; g++) {
			double groupX = left + g * groupWidth + groupWidth * 0.1;
			for (int s = 0; s < seriesCount; s++) {
				double value = panel.values()[g][s];
				if (Double.isNaN(value)) {
					continue;
				}
				boolean clipped = value > panel.yMax();
				double h = plotHeight * Math.min(value, panel.yMax()) / panel.yMax();
				double x = groupX + s * barWidth;
				svg.append(String.format(Locale.ROOT,
						"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>"
								+ "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"9\">%s%.2f</text>\n",
						x, bottom - h, barWidth - 1, h, COLOURS[s % COLOURS.length], x + barWidth / 2,
						clipped ? bottom - h + 10 : bottom - h - 3, clipped ? "↑" : "", value));
			}
			String[] words = panel.groups().get(g).split(" ", 2);
			double centre = left + g * groupWidth + groupWidth / 2;
			svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
					centre, bottom + 16, escape(words[0])));
			if (words.length > 1) {
				svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
						centre, bottom + 30, escape(words[1])));
			}
		}
		for (Reference reference : panel.references()) {
			double y = bottom - plotHeight * reference.value() / panel.yMax();
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\" stroke-dasharray=\"5,4\"/>"
							+ "<text x=\"%d\" y=\"%.1f\" text-anchor=\"%s\" fill=\"#333\">%s</text>\n",
					left, y, right, y, reference.labelLeft() ? left + 3 : right, y - 4,
					reference.labelLeft() ? "start" : "end", escape(reference.label())));
		}
		svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left,
				bottom, right, bottom));
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

}
