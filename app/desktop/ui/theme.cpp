#include "ui/theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace lightvl::desktop {

ChatColors chat_colors(Theme theme) {
  if (theme == Theme::kDark) {
    return {QColor("#1e1f22"), QColor("#2f3b52"), QColor("#2a2b2f"), QColor("#e6e6e6"), QColor("#9a9ca3"),
            QColor("#7aa2f7"), QColor("#16171a"), QColor("#ff9e80"), QColor("#4a2620")};
  }
  return {QColor("#ffffff"), QColor("#e8f0fe"), QColor("#f4f5f7"), QColor("#1f2328"), QColor("#6b7280"),
          QColor("#2563eb"), QColor("#eef0f3"), QColor("#b42318"), QColor("#fdecea")};
}

void apply_theme(QApplication& app, Theme theme) {
  app.setStyle(QStyleFactory::create("Fusion"));
  if (theme == Theme::kLight) {
    QPalette p = app.style()->standardPalette();
    p.setColor(QPalette::Highlight, chat_colors(theme).accent);
    app.setPalette(p);
    return;
  }
  const ChatColors c = chat_colors(theme);
  QPalette p;
  p.setColor(QPalette::Window, QColor("#26272b"));
  p.setColor(QPalette::WindowText, c.text);
  p.setColor(QPalette::Base, c.page);
  p.setColor(QPalette::AlternateBase, QColor("#2c2d31"));
  p.setColor(QPalette::Text, c.text);
  p.setColor(QPalette::Button, QColor("#33353a"));
  p.setColor(QPalette::ButtonText, c.text);
  p.setColor(QPalette::ToolTipBase, QColor("#33353a"));
  p.setColor(QPalette::ToolTipText, c.text);
  p.setColor(QPalette::PlaceholderText, c.muted);
  p.setColor(QPalette::Highlight, c.accent);
  p.setColor(QPalette::HighlightedText, QColor("#101114"));
  p.setColor(QPalette::Link, c.accent);
  p.setColor(QPalette::Disabled, QPalette::Text, c.muted);
  p.setColor(QPalette::Disabled, QPalette::ButtonText, c.muted);
  p.setColor(QPalette::Disabled, QPalette::WindowText, c.muted);
  app.setPalette(p);
}

}  // namespace lightvl::desktop
