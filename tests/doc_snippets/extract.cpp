// crm-metrics: turns the C++ blocks of one Markdown file into one test program, so that every code
// snippet of the README and docs/ compiles, and those whose output the text quotes print it.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Usage: doc_snippet_extract <source dir> --fragments <out.cpp> <file.md>...
//        doc_snippet_extract <source dir> --block <k> <out.cpp> <file.md>
//
// A fenced block that opens with ```cpp and whose first line is an #include is a program of its
// own: --block writes block k of the file (1-based, counting every ```cpp block) alone, with only
// its own includes, so a missing include fails as it would for a reader. Every other block is a
// fragment: --fragments writes those of all the files into one program that first includes every
// umbrella header (the context such a block is read in). The line right before a fence (blank
// lines skipped) may be a marker:
//   <!-- snippet: skip REASON -->      not compiled (a fragment: a signature, a declaration list);
//   <!-- snippet: global ... -->       placed at namespace scope as it stands (type definitions,
//                                      specializations); so is a block with a line that starts with
//                                      `int main(`, which is renamed and is what runs;
//   <!-- snippet: ... prints "A" "B" --> run, and its standard output must contain A and B
//                                      (each a literal, in any order);
// no marker: the block's #include lines and using-directives go to the top and the rest becomes the
// body of a function that is compiled but never run (it may name files a reader has, the test has
// not). The generated program runs every block that has `prints` and exits 1, naming the file,
// the block's first line and the text it missed, when one does not print what the text says.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct block {
  std::string file;      // path relative to the source directory
  std::size_t line = 0;  // line of the opening fence (1-based)
  std::vector<std::string> text;
  bool skip = false, global = false;
  std::vector<std::string> prints;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Reads the marker's options into b; false for a malformed marker.
bool read_marker(const std::string& m, block& b) {
  const std::string head = "<!-- snippet:";
  std::string rest = trim(m.substr(head.size(), m.size() - head.size() - 3));
  if (rest.rfind("skip", 0) == 0) {
    b.skip = true;
    return true;
  }
  if (rest.rfind("global", 0) == 0) {
    b.global = true;
    rest = trim(rest.substr(6));
  }
  if (rest.empty()) return true;
  if (rest.rfind("prints", 0) != 0) return false;
  rest = rest.substr(6);
  for (std::size_t at = rest.find('"'); at != std::string::npos; at = rest.find('"', at)) {
    const std::size_t end = rest.find('"', at + 1);
    if (end == std::string::npos) return false;
    b.prints.push_back(rest.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  return !b.prints.empty();
}

std::string c_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The ```cpp blocks of `path` (label: its name relative to the source directory); false on error.
bool read_blocks(const std::string& path, const std::string& label, std::vector<block>& blocks) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << path << ": cannot open\n";
    return false;
  }
  std::string line, last_text;
  std::size_t n = 0;
  bool inside = false, other_fence = false;
  while (std::getline(in, line)) {
    ++n;
    const std::string t = trim(line);
    if (inside) {
      if (t == "```") inside = false;
      else blocks.back().text.push_back(line);
      continue;
    }
    if (other_fence) {
      if (t.rfind("```", 0) == 0) other_fence = false;
      continue;
    }
    if (t == "```cpp") {
      block b;
      b.file = label;
      b.line = n;
      if (last_text.rfind("<!-- snippet:", 0) == 0 && !read_marker(last_text, b)) {
        std::cerr << path << ":" << n - 1 << ": malformed snippet marker\n";
        return false;
      }
      blocks.push_back(b);
      inside = true;
      continue;
    }
    if (t.rfind("```", 0) == 0) {
      other_fence = true;
      continue;
    }
    if (!t.empty()) last_text = t;
  }
  if (inside) std::cerr << path << ": a ```cpp block is not closed\n";
  return !inside;
}

bool is_program(const block& b) { return !b.text.empty() && trim(b.text.front()).rfind("#include", 0) == 0; }
bool hoisted(const std::string& s) {
  const std::string t = trim(s);
  return t.rfind("#include", 0) == 0 || t.rfind("using namespace", 0) == 0;
}

// The program: `top` (includes), then the blocks, then a main that runs those with `prints`.
std::string program(const std::vector<const block*>& blocks, const std::string& top_includes) {
  std::ostringstream top, body, runs;
  top << "// Generated by tests/doc_snippets/extract.cpp from the C++ blocks of the docs: do not edit.\n";
  top << top_includes;
  std::size_t k = 0;
  for (const block* b : blocks) {
    const std::string fn = "doc_snippet_" + std::to_string(++k);
    const std::string where = b->file + ", the block at line " + std::to_string(b->line);
    body << "\n// " << where << "\n";
    const bool whole = std::any_of(b->text.begin(), b->text.end(), [](const std::string& s) { return s.rfind("int main(", 0) == 0; });
    if (b->global || whole) {
      body << "#line " << b->line + 1 << " \"" << b->file << "\"\n";
      // main's implicit `return 0` does not carry over to the renamed function: it gets one before
      // its closing brace, the block's last line that is a lone "}" at the start of the line
      std::size_t close = b->text.size();
      if (whole)
        while (close > 0 && b->text[close - 1] != "}") --close;
      for (std::size_t i = 0; i < b->text.size(); ++i) {
        std::string s = b->text[i];
        if (s.rfind("int main(", 0) == 0) s.replace(0, 9, "[[maybe_unused]] static int " + fn + "(");  // (run only with prints)
        if (whole && i + 1 == close) body << "return 0;\n";
        body << s << "\n";
      }
    } else {
      for (const std::string& s : b->text)
        if (hoisted(s)) top << trim(s) << "\n";
      body << "[[maybe_unused]] static void " << fn << "() {\n";
      body << "#line " << b->line + 1 << " \"" << b->file << "\"\n";
      for (const std::string& s : b->text) body << (hoisted(s) ? "" : s) << "\n";
      body << "}\n";
    }
    if (!b->prints.empty()) {
      runs << "  failed += check(" << c_string(where) << ", [] { " << fn << "(); }, {";
      for (const std::string& p : b->prints) runs << c_string(p) << ", ";
      runs << "});\n";
    }
  }
  // the harness's own includes after the blocks' (so they cannot make up for one a block lacks)
  return top.str() + "#include <cstdio>\n#include <initializer_list>\n#include <string>\n#include <unistd.h>\n" +
         body.str() + R"(
// Runs f with its standard output in a temporary file, and checks that every text is in it.
template <class F>
static int check(const char* where, F f, std::initializer_list<const char*> texts) {
  std::fflush(stdout);
  std::FILE* tmp = std::tmpfile();
  const int saved = dup(1);
  if (tmp == nullptr || saved < 0 || dup2(fileno(tmp), 1) < 0) {
    std::fprintf(stderr, "%s: cannot capture the output\n", where);
    return 1;
  }
  f();
  std::fflush(stdout);
  dup2(saved, 1);
  close(saved);
  std::string got;
  std::rewind(tmp);
  for (int c; (c = std::fgetc(tmp)) != EOF;) got += static_cast<char>(c);
  std::fclose(tmp);
  std::fputs(got.c_str(), stdout);
  int bad = 0;
  for (const char* t : texts)
    if (got.find(t) == std::string::npos) {
      std::fprintf(stderr, "%s: the text says it prints \"%s\"; it printed:\n%s\n", where, t, got.c_str());
      bad = 1;
    }
  return bad;
}

int main() {
  int failed = 0;
)" + runs.str() + "  std::printf(\"" + std::to_string(blocks.size()) + " blocks compiled\\n\");\n  return failed == 0 ? 0 : 1;\n}\n";
}

// What a fragment is read with: every umbrella header.
constexpr const char* umbrellas =
    "#include <crm/metrics.hpp>\n#include <crm/format.hpp>\n#include <crm/statistics.hpp>\n"
    "#include <crm/statistics/format.hpp>\n#include <crm/models.hpp>\n#include <crm/aggregate.hpp>\n"
    "#include <crm/aggregate/csv.hpp>\n#include <crm/multiprecision.hpp>\n";

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const bool fragments = args.size() >= 3 && args[1] == "--fragments";
  const bool one = args.size() == 5 && args[1] == "--block";
  if (!fragments && !one) {
    std::cerr << "usage: doc_snippet_extract <source dir> --fragments <out.cpp> <file.md>...\n"
                 "       doc_snippet_extract <source dir> --block <k> <out.cpp> <file.md>\n";
    return 2;
  }
  const std::string out_path = fragments ? args[2] : args[3];
  std::vector<block> all;
  std::vector<const block*> chosen;
  std::string top;
  if (fragments) {
    for (std::size_t i = 3; i < args.size(); ++i)
      if (!read_blocks(args[0] + "/" + args[i], args[i], all)) return 2;
    for (const block& b : all)
      if (!b.skip && !is_program(b)) chosen.push_back(&b);
    top = umbrellas;
  } else {
    if (!read_blocks(args[0] + "/" + args[4], args[4], all)) return 2;
    const std::size_t k = std::stoul(args[2]);
    if (k == 0 || k > all.size() || !is_program(all[k - 1])) {
      std::cerr << args[4] << ": block " << k << " is not a ```cpp block that starts with #include\n";
      return 2;
    }
    if (!all[k - 1].skip) chosen.push_back(&all[k - 1]);
  }
  std::ofstream out(out_path);
  out << program(chosen, top);
  return out ? 0 : 2;
}
