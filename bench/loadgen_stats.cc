#include "bench/loadgen_stats.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace kensho::bench {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A "nice" axis maximum >= v (1, 2, 5 x 10^k).
double NiceMax(double v) {
  if (v <= 0) return 1;
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

std::string Fmt(double v) {
  char buf[32];
  if (v >= 1000 && std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

struct Series {
  std::string name;
  std::string color;
  std::vector<double> values;
};

// One panel at vertical offset y0: axes, grid, polylines, legend.
void Panel(std::ostringstream& o, int y0, int width, int height, const std::string& ylabel,
           const std::vector<Series>& series, size_t n) {
  const int left = 70, right = 20, top = 20, bottom = 35;
  const int pw = width - left - right, ph = height - top - bottom;
  double vmax = 0;
  for (const auto& s : series) {
    for (double v : s.values) vmax = std::max(vmax, v);
  }
  vmax = NiceMax(vmax);
  const double xs = n > 1 ? static_cast<double>(pw) / static_cast<double>(n - 1) : pw;
  auto X = [&](size_t i) { return left + (n > 1 ? i * xs : pw / 2.0); };
  auto Y = [&](double v) { return y0 + top + ph - v / vmax * ph; };
  o << "<g font-family=\"sans-serif\" font-size=\"11\">\n";
  o << "<rect x=\"" << left << "\" y=\"" << y0 + top << "\" width=\"" << pw << "\" height=\""
    << ph << "\" fill=\"none\" stroke=\"#888\"/>\n";
  for (int k = 0; k <= 4; ++k) {
    double v = vmax * k / 4;
    double y = Y(v);
    o << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << y << "\" y2=\"" << y
      << "\" stroke=\"#ddd\"/>\n";
    o << "<text x=\"" << left - 5 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << Fmt(v)
      << "</text>\n";
  }
  size_t step = n <= 12 ? 1 : (n + 11) / 12;
  for (size_t i = 0; i < n; i += step) {
    o << "<text x=\"" << X(i) << "\" y=\"" << y0 + top + ph + 15
      << "\" text-anchor=\"middle\">" << i + 1 << "</text>\n";
  }
  o << "<text x=\"" << left + pw / 2 << "\" y=\"" << y0 + top + ph + 30
    << "\" text-anchor=\"middle\">second</text>\n";
  o << "<text x=\"15\" y=\"" << y0 + top + ph / 2 << "\" transform=\"rotate(-90 15 "
    << y0 + top + ph / 2 << ")\" text-anchor=\"middle\">" << Escape(ylabel) << "</text>\n";
  int lx = left + 10;
  for (const auto& s : series) {
    o << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\" points=\"";
    for (size_t i = 0; i < s.values.size(); ++i) o << X(i) << "," << Y(s.values[i]) << " ";
    o << "\"/>\n";
    o << "<rect x=\"" << lx << "\" y=\"" << y0 + top + 6 << "\" width=\"12\" height=\"4\" fill=\""
      << s.color << "\"/><text x=\"" << lx + 16 << "\" y=\"" << y0 + top + 12 << "\">"
      << Escape(s.name) << "</text>\n";
    lx += 120;
  }
  o << "</g>\n";
}

}  // namespace

std::string RenderSvg(const std::string& title, const std::vector<SecondStats>& seconds) {
  const int width = 800, panel = 260;
  const size_t n = seconds.size();
  Series thr{"items/s", "#1f77b4", {}}, err{"errors/s", "#d62728", {}};
  Series p50{"p50 ms", "#2ca02c", {}}, p99{"p99 ms", "#ff7f0e", {}};
  for (const auto& s : seconds) {
    thr.values.push_back(static_cast<double>(s.completed));
    err.values.push_back(static_cast<double>(s.errors + s.mismatches));
    p50.values.push_back(s.latency.Quantile(0.50) / 1e6);
    p99.values.push_back(s.latency.Quantile(0.99) / 1e6);
  }
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
    << 2 * panel + 30 << "\" viewBox=\"0 0 " << width << " " << 2 * panel + 30 << "\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << width / 2 << "\" y=\"20\" text-anchor=\"middle\" font-family=\"sans-serif\" "
       "font-size=\"14\">"
    << Escape(title) << "</text>\n";
  Panel(o, 25, width, panel, "items per second", {thr, err}, n);
  Panel(o, 25 + panel, width, panel, "latency (ms)", {p50, p99}, n);
  o << "</svg>\n";
  return o.str();
}

}  // namespace kensho::bench
