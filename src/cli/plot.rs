//! A loss curve as a small self-contained SVG (no plotting stack): `train sft|dpo` writes one
//! beside the adapter so a person can look at how training went.

/// The SVG of `points` (step, loss) with axes, a few tick labels and `title`.
pub fn loss_svg(points: &[(u64, f32)], title: &str) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 320.0, 56.0, 16.0, 32.0, 40.0);
    let finite: Vec<(u64, f32)> = points.iter().copied().filter(|p| p.1.is_finite()).collect();
    let max_x = finite.iter().map(|p| p.0).max().unwrap_or(1).max(1) as f32;
    let min_x = finite.iter().map(|p| p.0).min().unwrap_or(0) as f32;
    let max_y = finite.iter().map(|p| p.1).fold(f32::MIN, f32::max).max(1e-6);
    let min_y = finite.iter().map(|p| p.1).fold(f32::MAX, f32::min).min(max_y);
    let (lo, hi) = (min_y.min(0.0), max_y * 1.05);
    let x = |s: f32| left + (s - min_x) / (max_x - min_x).max(1.0) * (w - left - right);
    let y = |v: f32| top + (1.0 - (v - lo) / (hi - lo).max(1e-6)) * (h - top - bottom);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"20\" font-size=\"14\">{}</text>\n",
        escape(title)
    );
    let (x0, x1, y0, y1) = (left, w - right, top, h - bottom);
    out += &format!("<path d=\"M{x0},{y0} L{x0},{y1} L{x1},{y1}\" fill=\"none\" stroke=\"#444\"/>\n");
    for i in 0..=4 {
        let v = lo + (hi - lo) * i as f32 / 4.0;
        let yy = y(v);
        out += &format!(
            "<line x1=\"{x0}\" x2=\"{x1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#eee\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v:.2}</text>\n",
            x0 - 6.0,
            yy + 4.0
        );
    }
    for i in 0..=4 {
        let s = min_x + (max_x - min_x) * i as f32 / 4.0;
        out += &format!(
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            x(s),
            y1 + 16.0,
            s.round() as u64
        );
    }
    out += &format!(
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">step</text>\n",
        (x0 + x1) / 2.0,
        h - 6.0
    );
    let path: Vec<String> = finite
        .iter()
        .enumerate()
        .map(|(i, &(s, v))| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x(s as f32), y(v)))
        .collect();
    out += &format!("<path d=\"{}\" fill=\"none\" stroke=\"#3366cc\" stroke-width=\"1.5\"/>\n</svg>\n", path.join(" "));
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_spans_the_plot_and_falls_where_the_loss_falls() {
        let svg = loss_svg(&[(1, 4.0), (2, 2.0), (3, 1.0)], "SFT <loss>");
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("SFT &lt;loss&gt;"));
        let d = svg.rsplit("<path d=\"").next().unwrap();
        let ys: Vec<f32> = d
            .split(' ')
            .take(3)
            .map(|p| p.trim_start_matches(['M', 'L']).split(',').nth(1).unwrap().trim_end_matches('"').parse().unwrap())
            .collect();
        // SVG y grows downwards: a falling loss draws a rising y.
        assert!(ys[0] < ys[1] && ys[1] < ys[2], "{ys:?}");
        // Empty or non-finite input still gives a valid picture.
        assert!(loss_svg(&[(1, f32::NAN)], "x").contains("</svg>"));
    }
}
