package dev.notify.app.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Writes the demo's timeline as one self-contained HTML page of four SVG charts (sends per second, failed status
 * writes per second, consumer lag, notifications not final in the store), with the outage shaded. No script and no
 * external resource, so it opens anywhere.
 */
public final class TimelineChart {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 170;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 28;
    private static final int BOTTOM = 26;

    private TimelineChart() {
    }

    public static void write(Path file, String title, List<TimelineSample> samples) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title><style>body{font-family:sans-serif;margin:20px;color:#222}"
                        + "h1{font-size:18px}svg{display:block;margin-bottom:14px;background:#fafafa}"
                        + "</style></head><body><h1>").append(escape(title)).append("</h1>")
                .append("<p>Shaded: Cassandra down. Each point is one second.</p>");
        chart(html, "Sends per second (reached the providers)", samples, TimelineSample::sendsPerSecond, "#1f77b4");
        chart(html, "Failed status writes per second", samples, TimelineSample::failedStatusWritesPerSecond, "#d62728");
        chart(html, "Consumer lag (records)", samples, s -> s.consumerLag(), "#ff7f0e");
        chart(html, "Not final in the store (PENDING or absent)", samples, s -> s.notFinalInStore(), "#2ca02c");
        html.append("</body></html>\n");
        Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    private static void chart(StringBuilder html, String label, List<TimelineSample> samples,
                              ToDoubleFunction<TimelineSample> value, String colour) {
        double max = 1;
        for (TimelineSample sample : samples) {
            max = Math.max(max, value.applyAsDouble(sample));
        }
        int lastSecond = samples.isEmpty() ? 1 : Math.max(1, samples.get(samples.size() - 1).second());
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        html.append("<svg width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        html.append("<text x=\"").append(LEFT).append("\" y=\"18\" font-size=\"13\">").append(escape(label))
                .append("</text>");
        for (TimelineSample sample : samples) {
            if (sample.cassandraDown()) {
                double x = LEFT + plotWidth * (sample.second() - 1) / lastSecond;
                html.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#f4cccc\"/>",
                        x, TOP, plotWidth / lastSecond, plotHeight));
            }
        }
        html.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>",
                LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight));
        html.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", LEFT - 6, TOP + 10,
                formatNumber(max)));
        html.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">0</text>", LEFT - 6, TOP + plotHeight));
        html.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%d s</text>",
                LEFT + plotWidth, HEIGHT - 6, lastSecond));
        html.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.6\" points=\"");
        for (TimelineSample sample : samples) {
            double x = LEFT + plotWidth * sample.second() / lastSecond;
            double y = TOP + plotHeight - plotHeight * value.applyAsDouble(sample) / max;
            html.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        html.append("\"/></svg>");
    }

    private static String formatNumber(double value) {
        return value >= 10 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
