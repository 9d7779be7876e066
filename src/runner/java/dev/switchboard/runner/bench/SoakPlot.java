package dev.switchboard.runner.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The soak's samples as small line charts, one per figure, time along the bottom (Java2D, headless). */
final class SoakPlot {

    /** The columns drawn, by name in {@link SoakBenchmark#COLUMNS}. */
    private static final String[] DRAWN = {"heap_after_gc_mb", "threads", "descriptors", "connections",
        "deliveries_per_s", "p99_ms"};
    private static final int W = 420;
    private static final int H = 220;
    private static final int COLS = 3;

    private SoakPlot() {
    }

    static void draw(String[] columns, List<double[]> rows, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int rowsOfCharts = (DRAWN.length + COLS - 1) / COLS;
        BufferedImage image = new BufferedImage(W * COLS, H * rowsOfCharts, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int c = 0; c < DRAWN.length; c++) {
            chart(g, (c % COLS) * W, (c / COLS) * H, DRAWN[c], List.of(columns).indexOf(DRAWN[c]), rows);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static void chart(Graphics2D g, int x0, int y0, String name, int column, List<double[]> rows) {
        int left = x0 + 55;
        int right = x0 + W - 15;
        int top = y0 + 25;
        int bottom = y0 + H - 30;
        double tMax = rows.isEmpty() ? 1 : Math.max(1, rows.get(rows.size() - 1)[0]);
        double vMax = 0;
        for (double[] r : rows) {
            if (!Double.isNaN(r[column])) {
                vMax = Math.max(vMax, r[column]);
            }
        }
        vMax = vMax <= 0 ? 1 : vMax * 1.1;
        g.setColor(Color.BLACK);
        g.drawString(name.replace('_', ' '), left, y0 + 16);
        g.setColor(Color.GRAY);
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString(String.format(Locale.ROOT, "%.0f", vMax), x0 + 5, top + 10);
        g.drawString("0", x0 + 5, bottom);
        g.drawString("0 s", left, bottom + 15);
        g.drawString(String.format(Locale.ROOT, "%.0f s", tMax), right - 40, bottom + 15);
        Path2D.Double line = new Path2D.Double();
        boolean pen = false;
        for (double[] r : rows) {
            if (Double.isNaN(r[column])) {
                pen = false;
                continue;
            }
            double x = left + (right - left) * r[0] / tMax;
            double y = bottom - (bottom - top) * r[column] / vMax;
            if (pen) {
                line.lineTo(x, y);
            } else {
                line.moveTo(x, y);
                pen = true;
            }
        }
        g.setColor(new Color(0x1f, 0x77, 0xb4));
        g.setStroke(new BasicStroke(1.5f));
        g.draw(line);
        g.setStroke(new BasicStroke(1f));
    }
}
