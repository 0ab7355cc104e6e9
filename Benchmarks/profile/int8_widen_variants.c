/* INT8 x INT8 dot, exact int32: widening with vpmovsxbw (the kernel) against widening by shifts
 * (even bytes: << 8 then >> 8 arithmetic; odd bytes: >> 8 arithmetic), both checked against a
 * scalar loop (including all -128 vectors) before they are timed (n = 4096, best of 30 x 2,000).
 *
 *     cc -O2 Benchmarks/profile/int8_widen_variants.c -o /tmp/i8v && taskset -c 1 /tmp/i8v
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
__attribute__((target("avx2"))) static inline int32_t hsum(__m256i v){__m128i s=_mm_add_epi32(_mm256_castsi256_si128(v),_mm256_extracti128_si256(v,1));s=_mm_add_epi32(s,_mm_shuffle_epi32(s,0x4E));s=_mm_add_epi32(s,_mm_shuffle_epi32(s,0xB1));return _mm_cvtsi128_si32(s);}
__attribute__((target("avx2"))) int32_t dotA(const int8_t*a,const int8_t*b,size_t n){
 __m256i c0=_mm256_setzero_si256(),c1=c0,c2=c0,c3=c0;size_t j=0;
 for(;j+64<=n;j+=64){
  c0=_mm256_add_epi32(c0,_mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(a+j))),_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(b+j)))));
  c1=_mm256_add_epi32(c1,_mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(a+j+16))),_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(b+j+16)))));
  c2=_mm256_add_epi32(c2,_mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(a+j+32))),_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(b+j+32)))));
  c3=_mm256_add_epi32(c3,_mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(a+j+48))),_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(b+j+48)))));}
 int32_t s=hsum(_mm256_add_epi32(_mm256_add_epi32(c0,c1),_mm256_add_epi32(c2,c3)));for(;j<n;j++)s+=a[j]*b[j];return s;}
__attribute__((target("avx2"))) int32_t dotB(const int8_t*a,const int8_t*b,size_t n){
 __m256i c0=_mm256_setzero_si256(),c1=c0,c2=c0,c3=c0;size_t j=0;
 for(;j+64<=n;j+=64){
  __m256i wa=_mm256_loadu_si256((const __m256i*)(a+j)),wb=_mm256_loadu_si256((const __m256i*)(b+j));
  __m256i xa=_mm256_loadu_si256((const __m256i*)(a+j+32)),xb=_mm256_loadu_si256((const __m256i*)(b+j+32));
  c0=_mm256_add_epi32(c0,_mm256_madd_epi16(_mm256_srai_epi16(_mm256_slli_epi16(wa,8),8),_mm256_srai_epi16(_mm256_slli_epi16(wb,8),8)));
  c1=_mm256_add_epi32(c1,_mm256_madd_epi16(_mm256_srai_epi16(wa,8),_mm256_srai_epi16(wb,8)));
  c2=_mm256_add_epi32(c2,_mm256_madd_epi16(_mm256_srai_epi16(_mm256_slli_epi16(xa,8),8),_mm256_srai_epi16(_mm256_slli_epi16(xb,8),8)));
  c3=_mm256_add_epi32(c3,_mm256_madd_epi16(_mm256_srai_epi16(xa,8),_mm256_srai_epi16(xb,8)));}
 int32_t s=hsum(_mm256_add_epi32(_mm256_add_epi32(c0,c1),_mm256_add_epi32(c2,c3)));for(;j<n;j++)s+=a[j]*b[j];return s;}
 /* a unsigned offset trick: sum a*b = sum (a^0x80 - 128)*b = maddubs-free: use vpmaddubsw(a^0x80 (u8), b (s8)) pairs <= 2*255*128=65280 overflow -> no. use vpmaddwd on even/odd with a shift trick: even_a16 = (wa<<8) has value a*256; madd((wa<<8), bodd?) */
int main(){size_t n=4096;int8_t*a=aligned_alloc(64,n),*b=aligned_alloc(64,n);srand(3);
 for(int t=0;t<1000;t++){size_t m=rand()%n;for(size_t i=0;i<m;i++){a[i]=rand();b[i]=rand();} if(t%7==0)for(size_t i=0;i<m;i++){a[i]=-128;b[i]=-128;}
  int32_t r=0;for(size_t i=0;i<m;i++)r+=a[i]*b[i]; if(dotA(a,b,m)!=r||dotB(a,b,m)!=r){printf("bad %zu\n",m);return 1;}}
 for(size_t i=0;i<n;i++){a[i]=rand();b[i]=rand();}
 for(int v=0;v<2;v++){double best=1e9;volatile int32_t s;for(int r=0;r<30;r++){double t0=now();for(int k=0;k<2000;k++){__asm__ volatile("" : : "r"(a), "r"(b) : "memory");s=v?dotB(a,b,n):dotA(a,b,n);}double t=now()-t0;if(t<best)best=t;}
  printf("%s %.2f GMAC/s\n",v?"B evenodd-shift":"A vpmovsx",n*2000/best/1e9);}}
