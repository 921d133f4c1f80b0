import type { NextConfig } from "next";

const config: NextConfig = {
  // The contracts package is TypeScript source shared with the services; Next compiles it for the browser.
  transpilePackages: ["@gochat/contracts"],
  poweredByHeader: false,
  // next dev serves its live-reload channel only to the origins it knows; 127.0.0.1 is how the start
  // command and the journeys address this machine.
  allowedDevOrigins: ["127.0.0.1"],
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default config;
